import {useEffect, useState} from 'react';
import {Alert, Badge, Button, Code, Group, Modal, ScrollArea, Stack, Table, Text, Title} from '@mantine/core';
import {notifications} from '@mantine/notifications';
import {useApi} from '../api/context';
import {desktop, type KeychainInput, type ProfileList, type ProfileView, type SSOProgress} from '../api/types';
import {when} from '../lib/cost';
import {ProfileForm} from './ProfileForm';

interface Props {
    list?: ProfileList;
    error?: string;
    onUse: (name: string) => void;
}

const kindText: Record<string, string> = {
    keychain: 'keychain',
    'static-keys-plaintext': 'keys in a file',
    mfa: 'keys + MFA',
    'assume-role': 'assume role',
    sso: 'SSO',
    'sso-session': 'SSO session',
    'credential-process': 'credential process',
    env: 'environment variables',
    none: 'settings only',
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

// Short columns never wrap; the actions column takes only the width of its buttons.
const nowrap = {whiteSpace: 'nowrap'} as const;
const fit = {whiteSpace: 'nowrap', width: '1%'} as const;

type Confirm = {kind: 'delete'; name: string} | {kind: 'remove-from-file'; name: string};

/** Every profile with what is known of it; keychain profiles added, edited, deleted; imports; SSO sign-in. */
export function ProfilesView({list, error, onUse}: Props) {
    const api = useApi();
    const [form, setForm] = useState<{editing?: ProfileView} | undefined>();
    const [confirm, setConfirm] = useState<Confirm | undefined>();
    const [working, setWorking] = useState(false);
    const [actionError, setActionError] = useState<string | undefined>();
    const [sso, setSSO] = useState<SSOProgress | undefined>();

    useEffect(() => api.onSSO((p) => setSSO(p)), [api]);

    const act = async (what: () => Promise<unknown>, done?: string) => {
        setWorking(true);
        setActionError(undefined);
        try {
            await what();
            if (done) notifications.show({message: done});
            return true;
        } catch (err) {
            setActionError(message(err));
            return false;
        } finally {
            setWorking(false);
        }
    };

    const importProfile = async (name: string) => {
        // Copy first; removing it from the file is a separate, confirmed step.
        if (await act(() => api.importProfile(name), `${name} copied into the keychain`))
            setConfirm({kind: 'remove-from-file', name});
    };

    const signIn = (name: string) => {
        setSSO(desktop.SSOProgress.createFrom({profile: name, state: desktop.SSOState.CODE}));
        api.login(name).catch((err) =>
            setSSO((s) =>
                s && s.state !== desktop.SSOState.FAILED
                    ? desktop.SSOProgress.createFrom({
                          profile: name,
                          state: desktop.SSOState.FAILED,
                          error: message(err),
                      })
                    : s,
            ),
        );
    };

    const save = async (input: KeychainInput) => {
        if (form?.editing) await api.editProfile(input);
        else await api.addProfile(input);
        notifications.show({message: `Profile ${input.name} saved in the keychain`});
    };

    const active = list?.active || 'default';
    return (
        <Stack gap="sm" role="main" aria-label="Profiles">
            <Group justify="space-between">
                <Title order={2} size="h3">
                    Profiles
                </Title>
                <Button onClick={() => setForm({})}>Add profile</Button>
            </Group>
            <Text size="xs" c="dimmed">
                From ~/.aws/config and ~/.aws/credentials, and Cloud Control's own profiles in the OS keychain. The
                active profile is used by the window, the tray and the command line.
            </Text>
            {[error, ...(list?.problems ?? [])].filter(Boolean).map((p) => (
                <Alert key={p} color="orange" role="note">
                    {p}
                </Alert>
            ))}
            {actionError && (
                <Alert color="red" role="alert" withCloseButton onClose={() => setActionError(undefined)}>
                    {actionError}
                </Alert>
            )}
            <ScrollArea>
                <Table aria-label="Profiles" striped highlightOnHover fz="sm">
                    <Table.Thead>
                        <Table.Tr>
                            <Table.Th>Name</Table.Th>
                            <Table.Th>Kind</Table.Th>
                            <Table.Th>Region</Table.Th>
                            <Table.Th>Account</Table.Th>
                            <Table.Th>ARN</Table.Th>
                            <Table.Th style={nowrap}>Session ends</Table.Th>
                            <Table.Th style={nowrap}>Key</Table.Th>
                            <Table.Th style={fit}>
                                <span className="visually-hidden">Actions</span>
                            </Table.Th>
                        </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                        {(list?.profiles ?? []).map((p) => (
                            <Table.Tr
                                key={`${p.kind}/${p.name}`}
                                data-testid={`profile-${p.name}`}
                                data-kind={p.kind}
                                aria-label={`Profile ${p.name}`}
                            >
                                <Table.Td>
                                    <Group gap={4} wrap="nowrap">
                                        <Text size="sm" fw={p.name === active ? 700 : 400}>
                                            {p.name}
                                        </Text>
                                        {p.name === active && (
                                            <Badge size="sm" style={{flex: 'none'}}>
                                                active
                                            </Badge>
                                        )}
                                        {p.plaintext && (
                                            <Badge
                                                size="sm"
                                                color="orange.9"
                                                style={{flex: 'none'}}
                                                data-testid="plaintext-marker"
                                                title={`Plaintext keys in ${p.source}`}
                                            >
                                                plaintext keys
                                            </Badge>
                                        )}
                                    </Group>
                                </Table.Td>
                                <Table.Td style={nowrap}>{kindText[p.kind] ?? p.kind}</Table.Td>
                                <Table.Td style={nowrap}>{p.region || '—'}</Table.Td>
                                <Table.Td ff="monospace">{p.account || '—'}</Table.Td>
                                <Table.Td ff="monospace" fz="xs">
                                    {p.arn || '—'}
                                </Table.Td>
                                <Table.Td style={nowrap}>{when(p.sessionExpires) || '—'}</Table.Td>
                                <Table.Td ff="monospace" style={nowrap}>
                                    {p.keyIdSuffix ? `…${p.keyIdSuffix}` : '—'}
                                </Table.Td>
                                <Table.Td style={fit}>
                                    <Group gap={4} wrap="nowrap" justify="flex-end">
                                        {p.kind !== 'sso-session' && p.kind !== 'env' && p.name !== active && (
                                            <Button
                                                size="compact-xs"
                                                variant="default"
                                                aria-label={`Use ${p.name}`}
                                                onClick={() => onUse(p.name)}
                                            >
                                                Use
                                            </Button>
                                        )}
                                        {p.kind === 'sso' && (
                                            <Button
                                                size="compact-xs"
                                                variant="light"
                                                aria-label={`Sign in ${p.name}`}
                                                onClick={() => signIn(p.name)}
                                                disabled={sso?.state === desktop.SSOState.CODE}
                                            >
                                                Sign in
                                            </Button>
                                        )}
                                        {(p.kind === 'static-keys-plaintext' || p.kind === 'mfa') &&
                                            p.source !== 'keychain' && (
                                                <Button
                                                    size="compact-xs"
                                                    variant="light"
                                                    aria-label={`Import ${p.name}`}
                                                    onClick={() => importProfile(p.name)}
                                                    loading={working}
                                                >
                                                    Import
                                                </Button>
                                            )}
                                        {p.kind === 'keychain' && p.plaintext && (
                                            <Button
                                                size="compact-xs"
                                                variant="light"
                                                color="orange"
                                                aria-label={`Remove ${p.name} from the credentials file`}
                                                onClick={() => setConfirm({kind: 'remove-from-file', name: p.name})}
                                            >
                                                Remove from file
                                            </Button>
                                        )}
                                        {p.kind === 'keychain' && (
                                            <>
                                                <Button
                                                    size="compact-xs"
                                                    variant="default"
                                                    aria-label={`Edit ${p.name}`}
                                                    onClick={() => setForm({editing: p})}
                                                >
                                                    Edit
                                                </Button>
                                                <Button
                                                    size="compact-xs"
                                                    variant="subtle"
                                                    color="red"
                                                    aria-label={`Delete ${p.name}`}
                                                    onClick={() => setConfirm({kind: 'delete', name: p.name})}
                                                >
                                                    Delete
                                                </Button>
                                            </>
                                        )}
                                    </Group>
                                </Table.Td>
                            </Table.Tr>
                        ))}
                    </Table.Tbody>
                </Table>
            </ScrollArea>
            {form && <ProfileForm editing={form.editing} onSave={save} onClose={() => setForm(undefined)} />}
            <ConfirmDialog
                confirm={confirm}
                working={working}
                onClose={() => setConfirm(undefined)}
                onConfirm={async (c) => {
                    const ok =
                        c.kind === 'delete'
                            ? await act(() => api.deleteProfile(c.name), `Profile ${c.name} deleted`)
                            : await act(
                                  () => api.removeFromFile(c.name),
                                  `${c.name} removed from the credentials file`,
                              );
                    if (ok) setConfirm(undefined);
                }}
            />
            <SSODialog
                progress={sso}
                onOpen={() => api.openSignInPage().catch((err) => setActionError(message(err)))}
                onCancel={() => {
                    api.cancelLogin().catch(() => {});
                    setSSO(undefined);
                }}
                onClose={() => setSSO(undefined)}
            />
        </Stack>
    );
}

function ConfirmDialog({
    confirm,
    working,
    onConfirm,
    onClose,
}: {
    confirm?: Confirm;
    working: boolean;
    onConfirm: (c: Confirm) => void;
    onClose: () => void;
}) {
    if (!confirm) return null;
    const del = confirm.kind === 'delete';
    return (
        <Modal
            opened
            onClose={onClose}
            title={del ? `Delete profile ${confirm.name}?` : `Remove ${confirm.name} from the credentials file?`}
        >
            <Text size="sm">
                {del
                    ? `Its keys and cached sessions are removed from the keychain. This cannot be undone.`
                    : `The keychain now holds ${confirm.name}'s keys. Removing its section from ~/.aws/credentials leaves no plaintext copy; other profiles and comments in the file stay.`}
            </Text>
            <Group justify="flex-end" mt="md">
                <Button variant="default" onClick={onClose}>
                    {del ? 'Cancel' : 'Keep in file'}
                </Button>
                <Button color="red" loading={working} onClick={() => onConfirm(confirm)}>
                    {del ? 'Confirm delete' : 'Remove from file'}
                </Button>
            </Group>
        </Modal>
    );
}

function SSODialog({
    progress,
    onOpen,
    onCancel,
    onClose,
}: {
    progress?: SSOProgress;
    onOpen: () => void;
    onCancel: () => void;
    onClose: () => void;
}) {
    if (!progress) return null;
    const waiting = progress.state === desktop.SSOState.CODE;
    return (
        <Modal opened onClose={waiting ? onCancel : onClose} title={`Sign in to ${progress.profile}`}>
            {waiting && !progress.device && <Text size="sm">Asking IAM Identity Center for a code…</Text>}
            {waiting && progress.device && (
                <Stack gap="xs">
                    <Text size="sm">
                        The sign-in page opened in your browser. Check that it shows this code, then approve:
                    </Text>
                    <Code fz="xl" ta="center" data-testid="sso-code" block>
                        {progress.device.userCode}
                    </Code>
                    <Text size="xs" c="dimmed">
                        {progress.device.verificationUri}
                    </Text>
                    <Text size="sm" role="status">
                        Waiting for approval…
                    </Text>
                </Stack>
            )}
            {progress.state === desktop.SSOState.DONE && (
                <Alert color="green" role="status">
                    Signed in{progress.expires ? `; the session ends ${when(progress.expires)}` : ''}.
                </Alert>
            )}
            {progress.state === desktop.SSOState.FAILED && (
                <Alert color="red" role="alert">
                    {progress.error}
                </Alert>
            )}
            <Group justify="flex-end" mt="md">
                {waiting ? (
                    <>
                        <Button variant="default" onClick={onCancel}>
                            Cancel sign-in
                        </Button>
                        <Button onClick={onOpen} disabled={!progress.device}>
                            Open the sign-in page
                        </Button>
                    </>
                ) : (
                    <Button onClick={onClose}>Close</Button>
                )}
            </Group>
        </Modal>
    );
}
