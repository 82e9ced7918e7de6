import {useEffect, useState, type FormEvent} from 'react';
import {Alert, Button, Group, Modal, Text, TextInput} from '@mantine/core';
import {useApi} from '../api/context';
import type {MFAQuestion} from '../api/types';

/** Asks the MFA code when a session needs one ("profiles:mfa"), and answers Go with it or a refusal. */
export function MFADialog() {
    const api = useApi();
    const [question, setQuestion] = useState<MFAQuestion | undefined>();
    const [code, setCode] = useState('');
    const [error, setError] = useState<string | undefined>();

    useEffect(
        () =>
            api.onMFA((q) => {
                setQuestion(q);
                setCode('');
                setError(undefined);
            }),
        [api],
    );

    const valid = /^\d{6}$/.test(code);
    const submit = async (e: FormEvent) => {
        e.preventDefault();
        if (!valid) return;
        try {
            await api.submitMFA(code);
            setQuestion(undefined);
        } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
        } finally {
            setCode('');
        }
    };
    const cancel = () => {
        api.cancelMFA().catch(() => {});
        setQuestion(undefined);
        setCode('');
    };

    return (
        <Modal opened={!!question} onClose={cancel} title={`MFA code for ${question?.profile ?? ''}`}>
            <form onSubmit={submit}>
                <Text size="sm" mb="xs">
                    The profile <b>{question?.profile}</b> needs a code from the device{' '}
                    <Text span ff="monospace" size="xs">
                        {question?.mfaSerial}
                    </Text>
                    .
                </Text>
                <TextInput
                    label="MFA code"
                    value={code}
                    onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    data-autofocus
                />
                {error && (
                    <Alert color="red" mt="sm" role="alert">
                        {error}
                    </Alert>
                )}
                <Group justify="flex-end" mt="md">
                    <Button variant="default" onClick={cancel}>
                        Cancel
                    </Button>
                    <Button type="submit" disabled={!valid}>
                        Submit code
                    </Button>
                </Group>
            </form>
        </Modal>
    );
}
