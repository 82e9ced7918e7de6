import {Alert, Button, Group, Stack, Text, Title, Tooltip} from '@mantine/core';
import type {EnvView} from '../api/types';
import {StateBadge} from './StateBadge';

interface Props {
    env: EnvView;
    running: boolean;
    onStart: () => void;
    onStop: () => void;
}

function holderText(env: EnvView): string | undefined {
    const b = env.busy;
    if (!b) return undefined;
    const who = [b.user, b.client, b.pid ? `pid ${b.pid}` : ''].filter(Boolean).join(', ');
    const since = typeof b.since === 'string' ? new Date(b.since).toLocaleTimeString() : '';
    return `Busy: ${b.action} by ${who}${since ? ' since ' + since : ''}`;
}

function checkedText(env: EnvView): string {
    const t = typeof env.checkedAt === 'string' ? Date.parse(env.checkedAt) : NaN;
    if (Number.isNaN(t) || t <= 0 || env.checkedAt.startsWith('0001')) return 'not read from AWS yet';
    const at = new Date(t).toLocaleTimeString();
    return env.live ? `live, read at ${at}` : `last known state, read at ${at}`;
}

export function EnvHeader({env, running, onStart, onStop}: Props) {
    const busy = holderText(env);
    const blocked = !env.usable || !!env.busy || running;
    const why = !env.usable ? 'The file cannot be used' : (busy ?? (running ? 'A run is in progress' : ''));
    return (
        <Stack gap={4}>
            <Group justify="space-between" wrap="nowrap">
                <Group gap="sm">
                    <Title order={3}>{env.name}</Title>
                    <StateBadge state={env.state} size="md" />
                </Group>
                <Group gap="xs">
                    <Tooltip label={why} disabled={!blocked}>
                        <Button color="green" onClick={onStart} disabled={blocked}>
                            Start
                        </Button>
                    </Tooltip>
                    <Tooltip label={why} disabled={!blocked}>
                        <Button color="red" variant="light" onClick={onStop} disabled={blocked}>
                            Stop
                        </Button>
                    </Tooltip>
                </Group>
            </Group>
            {env.description && <Text size="sm">{env.description}</Text>}
            <Text size="xs" c="dimmed" data-testid="env-target">
                Account {env.account || 'unknown'} · {env.region || 'default region'}
                {env.profile ? ` · profile ${env.profile}` : ''} · {checkedText(env)}
            </Text>
            {busy && (
                <Text size="sm" c="orange" data-testid="env-busy">
                    {busy}
                </Text>
            )}
            {env.error && (
                <Alert color="orange" variant="light" py={6} title="Could not read AWS">
                    {env.error}
                </Alert>
            )}
        </Stack>
    );
}
