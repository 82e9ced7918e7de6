import {useState, type FormEvent} from 'react';
import {Alert, Button, Group, Modal, NumberInput, PasswordInput, Stack, Text, TextInput} from '@mantine/core';
import type {KeychainInput, ProfileView} from '../api/types';
import {checkProfile, refusalAt, type Field, type FieldErrors, type ProfileFields} from '../lib/profileForm';

interface Props {
    /** The profile being edited; undefined to add one. */
    editing?: ProfileView;
    onSave: (input: KeychainInput) => Promise<void>;
    onClose: () => void;
}

/**
 * Adds or edits a keychain profile. The secret is typed into a password
 * field and sent; it stays in this form's memory only until it is saved (so
 * a refused save keeps what was typed) and is never read back from Go:
 * editing shows only the last four characters of the stored key id. What
 * is wrong is said at the field it is about.
 */
export function ProfileForm({editing, onSave, onClose}: Props) {
    const [f, setF] = useState<ProfileFields>({
        name: editing?.name ?? '',
        keyId: '',
        secret: '',
        mfa: editing?.mfaSerial ?? '',
        role: editing?.roleArn ?? '',
        region: editing?.region ?? '',
        minutes: '',
    });
    const [errors, setErrors] = useState<FieldErrors>({});
    const [tried, setTried] = useState<Partial<Record<Field, boolean>>>({});
    const [saving, setSaving] = useState(false);

    const replacing = !editing || f.keyId !== '' || f.secret !== '';
    const checked = checkProfile(f, replacing);
    // A field says what is wrong once it was left or a save was tried; a refusal of Go's until it is edited.
    const shown = (k: Field) => errors[k] ?? (tried[k] ? checked[k] : undefined);
    const set = (k: Field) => (v: string | number) => {
        setF((cur) => ({...cur, [k]: v}));
        setErrors((e) => ({...e, [k]: undefined, form: undefined}));
    };
    const leave = (k: Field) => () => setTried((t) => ({...t, [k]: true}));

    const submit = async (e: FormEvent) => {
        e.preventDefault();
        const all = {name: true, keyId: true, secret: true, mfa: true, role: true, region: true, minutes: true};
        setTried(all);
        if (Object.keys(checked).length > 0) return;
        setSaving(true);
        setErrors({});
        const input = {
            name: f.name.trim(),
            accessKeyId: replacing ? f.keyId.trim() : '',
            secretAccessKey: replacing ? f.secret : '',
            mfaSerial: f.mfa.trim(),
            roleArn: f.role.trim(),
            region: f.region.trim(),
            sessionMinutes: typeof f.minutes === 'number' ? f.minutes : 0,
        } as KeychainInput;
        try {
            await onSave(input);
            setF((cur) => ({...cur, secret: ''}));
            onClose();
        } catch (err) {
            // Everything typed stays (the secret too, in this form only) so it can be corrected.
            setErrors(refusalAt(err instanceof Error ? err.message : String(err)));
        } finally {
            setSaving(false);
        }
    };

    const title = editing ? `Edit profile ${editing.name}` : 'Add profile';
    return (
        <Modal opened onClose={onClose} title={title} size="lg">
            <form onSubmit={submit} aria-label={title} noValidate>
                <Stack gap="sm">
                    <Text size="xs" c="dimmed">
                        The keys go to the OS keychain, never to a file. The secret is sent once and never shown again.
                    </Text>
                    <TextInput
                        label="Profile name"
                        value={f.name}
                        onChange={(e) => set('name')(e.currentTarget.value)}
                        onBlur={leave('name')}
                        error={shown('name')}
                        disabled={!!editing}
                        required
                        autoComplete="off"
                    />
                    <TextInput
                        label="Access key ID"
                        description={
                            editing?.keyIdSuffix
                                ? `Stored key ends in …${editing.keyIdSuffix}; leave both key fields empty to keep it`
                                : 'AKIA… (or ASIA… for temporary keys), 20 characters'
                        }
                        value={f.keyId}
                        onChange={(e) => set('keyId')(e.currentTarget.value)}
                        onBlur={leave('keyId')}
                        error={shown('keyId')}
                        required={replacing}
                        autoComplete="off"
                        spellCheck={false}
                    />
                    <PasswordInput
                        label="Secret access key"
                        placeholder={editing ? 'unchanged' : undefined}
                        value={f.secret}
                        onChange={(e) => set('secret')(e.currentTarget.value)}
                        onBlur={leave('secret')}
                        error={shown('secret')}
                        required={replacing}
                        autoComplete="new-password"
                    />
                    <TextInput
                        label="MFA device ARN (optional)"
                        value={f.mfa}
                        onChange={(e) => set('mfa')(e.currentTarget.value)}
                        onBlur={leave('mfa')}
                        error={shown('mfa')}
                        placeholder="arn:aws:iam::123456789012:mfa/me"
                    />
                    <TextInput
                        label="Role to assume (optional)"
                        value={f.role}
                        onChange={(e) => set('role')(e.currentTarget.value)}
                        onBlur={leave('role')}
                        error={shown('role')}
                        placeholder="arn:aws:iam::123456789012:role/admin"
                    />
                    <TextInput
                        label="Region"
                        value={f.region}
                        onChange={(e) => set('region')(e.currentTarget.value)}
                        onBlur={leave('region')}
                        error={shown('region')}
                        placeholder="eu-west-1"
                    />
                    <NumberInput
                        label="Session length in minutes (optional)"
                        value={f.minutes}
                        onChange={set('minutes')}
                        onBlur={leave('minutes')}
                        error={shown('minutes')}
                        min={15}
                        max={2160}
                        allowDecimal={false}
                    />
                    {errors.form && (
                        <Alert color="red" role="alert" title="Not saved">
                            {errors.form}
                        </Alert>
                    )}
                    <Group justify="flex-end">
                        <Button variant="default" onClick={onClose}>
                            Cancel
                        </Button>
                        <Button type="submit" loading={saving}>
                            Save profile
                        </Button>
                    </Group>
                </Stack>
            </form>
        </Modal>
    );
}
