import {useEffect, useRef} from 'react';
import {Alert, Badge, Button, Group, Paper, Progress as Bar, ScrollArea, Stack, Text} from '@mantine/core';
import {op, type StageProgress} from '../api/types';
import type {Run} from '../state/dashboard';
import {elapsed} from '../lib/format';
import {logListStyle, stampedLine, waitingText} from '../lib/log';

interface Props {
    run: Run;
    /** Wall clock (ms) for the live elapsed time and the stages' timeouts while running. */
    now: number;
    onCancel: () => void;
    onResume: () => void;
    cancelling?: boolean;
}

const outcomeText: Record<string, string> = {
    [op.Outcome.RUNNING]: 'in progress',
    [op.Outcome.DONE]: 'done',
    [op.Outcome.FAILED]: 'failed',
    [op.Outcome.CANCELLED]: 'cancelled',
    [op.Outcome.REFUSED]: 'could not begin',
    [op.Outcome.INTERRUPTED]: 'interrupted',
};
const color: Record<string, string> = {
    [op.Outcome.RUNNING]: 'blue',
    [op.Outcome.DONE]: 'green',
    [op.Outcome.FAILED]: 'red',
    [op.Outcome.CANCELLED]: 'gray',
    [op.Outcome.REFUSED]: 'red',
    [op.Outcome.INTERRUPTED]: 'gray',
    [op.StageStatus.PENDING]: 'gray',
    [op.StageStatus.ACTIVE]: 'blue',
    [op.StageStatus.READY]: 'green',
    [op.StageStatus.SKIPPED]: 'teal',
};

const MAX_LOG = 300;

const epoch = (t: unknown) => (typeof t === 'string' && !t.startsWith('0001') ? Date.parse(t) : NaN);

/** Live progress of a start or stop: the Go side's progress as it is pushed, and the run's events as a log. */
export function RunProgress({run, now, onCancel, onResume, cancelling}: Props) {
    const p = run.progress;
    const running = p.outcome === op.Outcome.RUNNING;
    const started = epoch(p.started);
    const secs = running && !Number.isNaN(started) ? Math.max(p.elapsed, (now - started) / 1000) : p.elapsed;
    const verb = p.action === op.Action.START ? 'Start' : 'Stop';
    return (
        <Paper
            withBorder
            p="sm"
            role="region"
            aria-label="Run progress"
            data-testid="run-progress"
            data-status={p.outcome}
        >
            <Group justify="space-between" mb="xs">
                <Group gap="xs">
                    <Text fw={600}>{`${verb} ${p.env}`}</Text>
                    <Badge color={color[p.outcome]} data-testid="run-status">
                        {outcomeText[p.outcome] ?? p.outcome}
                    </Badge>
                    <Text size="sm" c="dimmed" data-testid="run-elapsed" aria-label="Elapsed time">
                        {elapsed(secs)}
                    </Text>
                </Group>
                {running && (
                    <Button color="red" variant="light" size="xs" onClick={onCancel} loading={cancelling}>
                        Cancel run
                    </Button>
                )}
                {(p.outcome === op.Outcome.FAILED || p.outcome === op.Outcome.CANCELLED) && (
                    <Button size="xs" onClick={onResume}>
                        Resume
                    </Button>
                )}
            </Group>
            {p.failure && <FailureAlert run={run} />}
            {p.outcome === op.Outcome.CANCELLED && p.message && (
                <Alert color="gray" mb="xs">
                    {p.message}
                </Alert>
            )}
            <Stack gap={6} mb="xs" role="list" aria-label="Stage progress">
                {(p.stages ?? []).map((s) => (
                    <StageRow key={s.name} s={s} now={running ? now : undefined} />
                ))}
            </Stack>
            <ActivityLog log={run.log} />
        </Paper>
    );
}

function StageRow({s, now}: {s: StageProgress; now?: number}) {
    const pct = s.total ? Math.round((100 * s.passed) / s.total) : 0;
    const active = s.status === op.StageStatus.ACTIVE;
    const since = epoch(s.started);
    const left =
        active && now !== undefined && s.timeoutSeconds && !Number.isNaN(since)
            ? since / 1000 + s.timeoutSeconds - now / 1000
            : undefined;
    return (
        <div
            role="listitem"
            aria-label={`Stage ${s.name}: ${s.status}`}
            data-testid={`progress-${s.name}`}
            data-status={s.status}
        >
            <Group gap="xs" wrap="nowrap">
                <Text size="sm" w={140} truncate fw={500}>
                    {s.name}
                </Text>
                <Bar
                    value={pct}
                    color={color[s.status] ?? 'gray'}
                    style={{flex: 1}}
                    aria-label={`${s.name} progress`}
                    animated={active}
                />
                <Badge size="xs" variant="light" color={color[s.status] ?? 'gray'} w={80}>
                    {s.status === op.StageStatus.PENDING ? 'waiting' : s.status}
                </Badge>
            </Group>
            {active && s.waiting && (
                <Text size="xs" c="dimmed" ml={148} data-testid={`waiting-${s.name}`}>
                    {waitingText(s.waiting)}
                    {s.waiting.address ? ` (${s.waiting.address})` : ''}
                </Text>
            )}
            {left !== undefined && (
                <Text size="xs" c="dimmed" ml={148} data-testid={`timeout-${s.name}`}>
                    {left > 0 ? `times out in ${elapsed(left)}` : 'timing out'}
                </Text>
            )}
        </div>
    );
}

function FailureAlert({run}: {run: Run}) {
    const p = run.progress;
    const f = p.failure!;
    const where = [
        f.stage && `stage ${f.stage}`,
        f.instance && `instance ${f.name ? `${f.name} (${f.instance})` : f.instance}`,
        f.gate && `gate ${f.gate}`,
    ].filter(Boolean);
    const refused = p.outcome === op.Outcome.REFUSED;
    return (
        <Alert
            color="red"
            mb="xs"
            role="alert"
            title={refused ? 'Could not begin' : where.length ? `Failed at ${where.join(', ')}` : 'Failed'}
            data-testid="run-failure"
        >
            <Text size="sm">{f.message}</Text>
            {f.leftRunning && f.leftRunning.length > 0 && (
                <Text size="xs" mt={4}>
                    Left running: {f.leftRunning.join(', ')}
                </Text>
            )}
            {p.outcome === op.Outcome.FAILED && (
                <Text size="xs" mt={4} c="dimmed">
                    Resume starts again; stages already done are skipped.
                </Text>
            )}
        </Alert>
    );
}

function ActivityLog({log}: {log: Run['log']}) {
    const lines = log.slice(-MAX_LOG);
    const viewport = useRef<HTMLDivElement>(null);
    // Follow the newest line, as a terminal would.
    useEffect(() => {
        const v = viewport.current;
        if (v) v.scrollTop = v.scrollHeight;
    }, [log.length]);
    return (
        <ScrollArea h={160} type="auto" viewportRef={viewport}>
            <ol role="log" aria-label="Activity log" style={logListStyle}>
                {lines.map((ev, i) => (
                    <li key={log.length - lines.length + i} data-type={ev.type}>
                        {stampedLine(ev, ev.elapsed)}
                    </li>
                ))}
            </ol>
        </ScrollArea>
    );
}
