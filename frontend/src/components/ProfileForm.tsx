import {useState, type FormEvent} from 'react';
import {Alert, Button, Group, Modal, NumberInput, PasswordInput, Stack, Text, TextInput} from '@mantine/core';
import type {KeychainInput, ProfileView} from '../api/types';

interface Props {
    /** The profile being edited; undefined to add one. */
    editing?: ProfileView;
    onSave: (input: KeychainInput) => Promise<void>;
    onClose: () => void;
}

/**
 * Adds or edits a keychain profile. The secret is typed into a password
 * field, sent once and cleared: it is never read back from Go, and editing
 * shows only the last four characters of the stored key id.
 */
export function ProfileForm({editing, onSave, onClose}: Props) {
    const [name, setName] = useState(editing?.name ?? '');
    const [keyId, setKeyId] = useState('');
    const [secret, setSecret] = useState('');
    const [mfa, setMfa] = useState(editing?.mfaSerial ?? '');
    const [role, setRole] = useState(editing?.roleArn ?? '');
    const [region, setRegion] = useState(editing?.region ?? '');
    const [minutes, setMinutes] = useState<number | string>('');
    const [error, setError] = useState<string | undefined>();
    const [saving, setSaving] = useState(false);

    const replacing = !editing || keyId !== '' || secret !== '';
    const invalid = !name.trim() || (replacing && (!keyId.trim() || !secret));

    const submit = async (e: FormEvent) => {
        e.preventDefault();
        if (invalid) return;
        setSaving(true);
        setError(undefined);
        const input = {
            name: name.trim(),
            accessKeyId: replacing ? keyId.trim() : '',
            secretAccessKey: replacing ? secret : '',
            mfaSerial: mfa.trim(),
            roleArn: role.trim(),
            region: region.trim(),
            sessionMinutes: typeof minutes === 'number' ? minutes : 0,
        } as KeychainInput;
        setSecret(''); // sent once; never kept on screen
        try {
            await onSave(input);
            onClose();
        } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
        } finally {
            setSaving(false);
        }
    };

    const title = editing ? `Edit profile ${editing.name}` : 'Add profile';
    return (
        <Modal opened onClose={onClose} title={title} size="lg">
            <form onSubmit={submit} aria-label={title}>
                <Stack gap="sm">
                    <Text size="xs" c="dimmed">
                        The keys go to the OS keychain, never to a file. The secret is sent once and never shown again.
                    </Text>
                    <TextInput
                        label="Profile name"
                        value={name}
                        onChange={(e) => setName(e.currentTarget.value)}
                        disabled={!!editing}
                        required
                        autoComplete="off"
                    />
                    <TextInput
                        label="Access key ID"
                        description={
                            editing?.keyIdSuffix
                                ? `Stored key ends in …${editing.keyIdSuffix}; leave both key fields empty to keep it`
                                : undefined
                        }
                        value={keyId}
                        onChange={(e) => setKeyId(e.currentTarget.value)}
                        required={replacing}
                        autoComplete="off"
                        spellCheck={false}
                    />
                    <PasswordInput
                        label="Secret access key"
                        placeholder={editing ? 'unchanged' : undefined}
                        value={secret}
                        onChange={(e) => setSecret(e.currentTarget.value)}
                        required={replacing}
                        autoComplete="new-password"
                    />
                    <TextInput
                        label="MFA device ARN (optional)"
                        value={mfa}
                        onChange={(e) => setMfa(e.currentTarget.value)}
                        placeholder="arn:aws:iam::123456789012:mfa/me"
                    />
                    <TextInput
                        label="Role to assume (optional)"
                        value={role}
                        onChange={(e) => setRole(e.currentTarget.value)}
                        placeholder="arn:aws:iam::123456789012:role/admin"
                    />
                    <TextInput
                        label="Region"
                        value={region}
                        onChange={(e) => setRegion(e.currentTarget.value)}
                        placeholder="eu-west-1"
                    />
                    <NumberInput
                        label="Session length in minutes (optional)"
                        value={minutes}
                        onChange={setMinutes}
                        min={15}
                        max={2160}
                        allowDecimal={false}
                    />
                    {error && (
                        <Alert color="red" role="alert">
                            {error}
                        </Alert>
                    )}
                    <Group justify="flex-end">
                        <Button variant="default" onClick={onClose}>
                            Cancel
                        </Button>
                        <Button type="submit" disabled={invalid} loading={saving}>
                            Save profile
                        </Button>
                    </Group>
                </Stack>
            </form>
        </Modal>
    );
}
