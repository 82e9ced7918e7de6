import {useEffect, useState} from 'react';
import {Button, Group, Loader, Modal, Text} from '@mantine/core';
import {useApi} from '../../api/context';
import type {TerminateTarget} from '../../api/types';
import type {InstanceRow} from '../InstanceTable';
import {Problems, message} from './Problems';

interface Props {
    env: string;
    row: InstanceRow;
    onClose: () => void;
}

/**
 * Terminate a launched instance: first what it would end (the instance and its stack, as the Go side
 * finds them; an instance Cloud Control did not launch is refused in words), then Terminate.
 */
export function TerminateDialog({env, row, onClose}: Props) {
    const api = useApi();
    const [target, setTarget] = useState<TerminateTarget | undefined>();
    const [refused, setRefused] = useState<string | undefined>();
    const [working, setWorking] = useState(false);
    const [failed, setFailed] = useState<string | undefined>();
    const label = row.name || row.id;

    useEffect(() => {
        let live = true;
        api.terminateTarget(env, row.id).then(
            (t) => live && setTarget(t),
            (err) => live && setRefused(message(err)),
        );
        return () => {
            live = false;
        };
    }, [api, env, row.id]);

    const confirm = async () => {
        setWorking(true);
        setFailed(undefined);
        try {
            await api.terminate(env, row.id);
            onClose();
        } catch (err) {
            setFailed(message(err));
        } finally {
            setWorking(false);
        }
    };

    const inst = target?.instance;
    const dns = inst?.dnsName || row.dnsName;
    return (
        <Modal opened onClose={onClose} title={`Terminate ${label}?`}>
            {!target && !refused && (
                <Group gap="xs" role="status">
                    <Loader size="sm" /> <Text size="sm">Finding its stack…</Text>
                </Group>
            )}
            {refused && <Problems title="It cannot be terminated" message={refused} testid="terminate-refused" />}
            {target && (
                <>
                    <Text size="sm" data-testid="terminate-target">
                        Terminate <b>{inst?.name || label}</b> ({inst?.id || row.id}
                        {inst?.type ? `, ${inst.type}` : ''}) of <b>{env}</b> by deleting its stack{' '}
                        <b>{target.stack.name}</b> ({target.stack.status}).
                    </Text>
                    <Text size="sm" c="dimmed" mt="xs">
                        {dns ? `Its DNS record ${dns} is deleted first. ` : ''}The instance and its volume are gone for
                        good; the window follows the stack until it is deleted.
                    </Text>
                </>
            )}
            {failed && <Problems title="Terminate did not begin" message={failed} testid="terminate-error" />}
            <Group justify="flex-end" mt="md">
                <Button variant="default" onClick={onClose} data-autofocus>
                    Close
                </Button>
                {target && (
                    <Button color="red.9" onClick={confirm} loading={working}>
                        Terminate
                    </Button>
                )}
            </Group>
        </Modal>
    );
}
