import {Alert, Anchor, Button, Group, Stack, Text, Title, Tooltip} from '@mantine/core';
import {op, type EnvView} from '../api/types';
import {clock} from '../lib/format';
import {StateBadge} from './StateBadge';
import {NextScheduled} from './lease/NextScheduled';
import {WhoLine} from './lease/WhoLine';

interface Props {
    env: EnvView;
    running: boolean;
    refreshing: boolean;
    now: number;
    onStart: () => void;
    onStop: () => void;
    onRetry: () => void;
    onHistory: () => void;
    /** Launch from one of its templates; absent when it has none. */
    onLaunch?: () => void;
}

function holderText(env: EnvView): string | undefined {
    const b = env.busy;
    if (!b) return undefined;
    const who = [b.user, b.client, b.pid ? `pid ${b.pid}` : ''].filter(Boolean).join(', ');
    return `Busy: ${b.action} by ${who}${clock(b.since) ? ' since ' + clock(b.since) : ''}`;
}

/** Instances some of which run (or are on their way up): Stop is then the one obvious next action. */
const upStates: string[] = [op.State.RUNNING, op.State.PARTLY, op.State.STARTING, op.State.FAILED];

/** The environment's name, state and next action, where it acts, and how fresh what is shown is. */
export function EnvHeader({env, running, refreshing, now, onStart, onStop, onRetry, onHistory, onLaunch}: Props) {
    const busy = holderText(env);
    const blocked = !env.usable || !!env.busy || running;
    const why = !env.usable ? 'The file cannot be used' : (busy ?? (running ? 'A run is in progress' : ''));
    const up = upStates.includes(env.instanceState);
    // After a failed or cancelled run the run panel holds the next action (Resume, stop what was left):
    // the header's buttons stay plain, so there is one solid action on screen.
    const attention = env.state === op.State.ATTENTION;
    const about = !!env.instanceState && env.state !== env.instanceState && env.instanceState !== op.State.UNKNOWN;
    return (
        <Stack gap={4}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Group gap="sm" wrap="nowrap" style={{minWidth: 0}}>
                    <Title order={2} size="h3" style={{whiteSpace: 'nowrap'}}>
                        {env.name}
                    </Title>
                    <StateBadge state={env.state} size="lg" />
                    {about && (
                        <Text size="sm" c="dimmed" data-testid="instance-state" style={{whiteSpace: 'nowrap'}}>
                            instances {env.instanceState}
                        </Text>
                    )}
                </Group>
                <Group gap="xs" wrap="nowrap">
                    <ActionButton
                        label="Start"
                        why={why}
                        blocked={blocked}
                        primary={!attention && !up}
                        color="teal.9"
                        onClick={onStart}
                    />
                    <ActionButton
                        label="Stop"
                        why={why}
                        blocked={blocked}
                        primary={!attention && up}
                        color="red.9"
                        onClick={onStop}
                    />
                    {onLaunch && (
                        <ActionButton
                            label="Launch…"
                            why={why}
                            blocked={blocked}
                            primary={false}
                            color="blue.8"
                            onClick={onLaunch}
                        />
                    )}
                </Group>
            </Group>
            {env.description && <Text size="sm">{env.description}</Text>}
            <Group gap="xs" wrap="wrap">
                <Text size="xs" c="dimmed" data-testid="env-target">
                    Account {env.account || 'unknown'} · {env.region || 'default region'}
                    {env.profile ? ` · profile ${env.profile}` : ''} ·{' '}
                    <span data-testid="freshness" data-fresh={env.error ? 'stale' : env.live ? 'live' : 'cached'}>
                        {freshness(env)}
                    </span>
                </Text>
                {env.usable && (
                    <Anchor component="button" type="button" size="xs" onClick={onHistory} data-testid="env-history">
                        Starts and stops of {env.name}
                    </Anchor>
                )}
            </Group>
            <WhoLine env={env.name} who={env.who} now={now} />
            <NextScheduled env={env.name} />
            {busy && (
                <Text size="sm" c="orange" data-testid="env-busy">
                    {busy}
                </Text>
            )}
            {env.error && (
                <Alert
                    color="orange"
                    variant="light"
                    py={6}
                    role="alert"
                    data-testid="stale"
                    title={`Stale since ${clock(env.checkedAt) || 'never read'}`}
                >
                    <Group justify="space-between" wrap="nowrap" gap="sm">
                        <Text size="sm">{env.error}</Text>
                        <Button size="compact-sm" variant="default" onClick={onRetry} loading={refreshing}>
                            Retry
                        </Button>
                    </Group>
                </Alert>
            )}
        </Stack>
    );
}

function ActionButton(p: {
    label: string;
    why: string;
    blocked: boolean;
    primary: boolean;
    color: string;
    onClick: () => void;
}) {
    // The one obvious next action is solid; the other is a plain button, never a pale one that looks disabled.
    return (
        <Tooltip label={p.why} disabled={!p.blocked}>
            <Button
                color={p.color}
                variant={p.primary ? 'filled' : 'default'}
                onClick={p.onClick}
                disabled={p.blocked}
                data-emphasis={p.primary ? 'primary' : 'secondary'}
            >
                {p.label}
            </Button>
        </Tooltip>
    );
}

/** "live, read at 7:35 PM", "last known state, read at ...", or "stale since ..." after a failed read. */
function freshness(env: EnvView): string {
    const at = clock(env.checkedAt);
    if (!at) return env.error ? 'not read from AWS: the read failed' : 'not read from AWS yet';
    if (env.error) return `stale since ${at}`;
    return env.live ? `live, read at ${at}` : `last known state, read at ${at}`;
}
