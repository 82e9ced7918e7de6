import {Alert, Button, Group, Modal, Text} from '@mantine/core';
import {control, type InstanceAction} from '../api/types';
import type {InstanceRow} from './InstanceTable';

interface Props {
    env: string;
    target?: {row: InstanceRow; action: InstanceAction};
    account?: string;
    region?: string;
    working?: boolean;
    error?: string;
    onConfirm: () => void;
    onClose: () => void;
}

const consequence: Record<InstanceAction, string> = {
    start: 'It is started on its own, without waiting for the stages it depends on.',
    stop: 'It is stopped on its own: services of later stages that use it may fail.',
    reboot: 'It restarts now; its services are unavailable until it is back.',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Confirmation before a per-instance start, stop or reboot. */
export function InstanceActionDialog({env, target, account, region, working, error, onConfirm, onClose}: Props) {
    const label = target ? target.row.name || target.row.id : '';
    return (
        <Modal opened={!!target} onClose={onClose} title={target ? `${cap(target.action)} ${label}?` : ''}>
            {target && (
                <>
                    <Text size="sm">
                        {cap(target.action)} <b>{label}</b> ({target.row.id}, {target.row.type}) of <b>{env}</b>
                        {account || region ? ` in account ${account || 'unknown'}, ${region || target.row.region}` : ''}
                        .
                    </Text>
                    <Text size="sm" c="dimmed" mt="xs">
                        {consequence[target.action]}
                    </Text>
                    {error && (
                        <Alert color="red" mt="sm" role="alert">
                            {error}
                        </Alert>
                    )}
                    <Group justify="flex-end" mt="md">
                        <Button variant="default" onClick={onClose}>
                            Close
                        </Button>
                        <Button
                            color={target.action === control.InstanceAction.START ? 'teal.9' : 'red.9'}
                            onClick={onConfirm}
                            loading={working}
                            data-autofocus
                        >
                            {`Confirm ${target.action}`}
                        </Button>
                    </Group>
                </>
            )}
        </Modal>
    );
}
