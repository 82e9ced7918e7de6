import {useEffect, useRef} from 'react';
import {Alert, Badge, Button, Group, Paper, Progress, ScrollArea, Stack, Text} from '@mantine/core';
import type {Run} from '../state/dashboard';
import {elapsed} from '../lib/format';
import {stampedLine} from '../lib/log';
import type {StageProgress} from '../lib/run';

interface Props {
    run: Run;
    /** Wall clock (ms) for the live elapsed time while running. */
    now: number;
    onCancel: () => void;
    onResume: () => void;
    cancelling?: boolean;
}

const statusText: Record<Run['status'], string> = {
    running: 'in progress',
    done: 'done',
    failed: 'failed',
    cancelled: 'cancelled',
    refused: 'could not begin',
};
const statusColor: Record<string, string> = {
    running: 'blue', done: 'green', failed: 'red', cancelled: 'gray', refused: 'red',
    pending: 'gray', active: 'blue', ready: 'green', skipped: 'teal',
};

const MAX_LOG = 300;

/** Live progress of a start or stop, drawn only from pushed events. */
export function RunProgress({run, now, onCancel, onResume, cancelling}: Props) {
    const running = run.status === 'running';
    const secs = running && run.startedAt ? Math.max(run.elapsed, (now - run.startedAt) / 1000) : run.elapsed;
    const verb = run.action === 'start' ? 'Start' : 'Stop';
    return (
        <Paper withBorder p="sm" role="region" aria-label="Run progress" data-testid="run-progress" data-status={run.status}>
            <Group justify="space-between" mb="xs">
                <Group gap="xs">
                    <Text fw={600}>{`${verb} ${run.env}`}</Text>
                    <Badge color={statusColor[run.status]} data-testid="run-status">
                        {statusText[run.status]}
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
                {(run.status === 'failed' || run.status === 'cancelled') && (
                    <Button size="xs" onClick={onResume}>
                        Resume
                    </Button>
                )}
            </Group>
            {run.failure && <FailureAlert run={run} />}
            {run.status === 'cancelled' && run.message && (
                <Alert color="gray" mb="xs">
                    {run.message}
                </Alert>
            )}
            <Stack gap={6} mb="xs" role="list" aria-label="Stage progress">
                {run.stages.map((s) => (
                    <StageRow key={s.name} s={s} />
                ))}
            </Stack>
            <ActivityLog run={run} />
        </Paper>
    );
}

function StageRow({s}: {s: StageProgress}) {
    const pct = s.total ? Math.round((100 * s.passed) / s.total) : 0;
    return (
        <div role="listitem" aria-label={`Stage ${s.name}: ${s.status}`} data-testid={`progress-${s.name}`} data-status={s.status}>
            <Group gap="xs" wrap="nowrap">
                <Text size="sm" w={140} truncate fw={500}>
                    {s.name}
                </Text>
                <Progress value={pct} color={statusColor[s.status] ?? 'gray'} style={{flex: 1}} aria-label={`${s.name} progress`} animated={s.status === 'active'} />
                <Badge size="xs" variant="light" color={statusColor[s.status] ?? 'gray'} w={80}>
                    {s.status === 'pending' ? 'waiting' : s.status}
                </Badge>
            </Group>
            {s.status === 'active' && s.waiting && (
                <Text size="xs" c="dimmed" ml={148} data-testid={`waiting-${s.name}`}>
                    waiting for {s.waiting.gate}
                    {s.waiting.instance ? ` on ${s.waiting.name || s.waiting.instance}` : ''}
                    {s.waiting.message ? ` (${s.waiting.message})` : ''}
                </Text>
            )}
        </div>
    );
}

function FailureAlert({run}: {run: Run}) {
    const f = run.failure!;
    const where = [
        f.stage && `stage ${f.stage}`,
        f.instance && `instance ${f.name ? `${f.name} (${f.instance})` : f.instance}`,
        f.gate && `gate ${f.gate}`,
    ].filter(Boolean);
    return (
        <Alert color="red" mb="xs" role="alert" title={run.status === 'refused' ? 'Could not begin' : where.length ? `Failed at ${where.join(', ')}` : 'Failed'} data-testid="run-failure">
            <Text size="sm">{f.message}</Text>
            {run.leftRunning && run.leftRunning.length > 0 && <Text size="xs" mt={4}>Left running: {run.leftRunning.join(', ')}</Text>}
            {run.status === 'failed' && (
                <Text size="xs" mt={4} c="dimmed">
                    Resume starts again; stages already done are skipped.
                </Text>
            )}
        </Alert>
    );
}

function ActivityLog({run}: {run: Run}) {
    const lines = run.log.slice(-MAX_LOG);
    const viewport = useRef<HTMLDivElement>(null);
    // Follow the newest line, as a terminal would.
    useEffect(() => {
        const v = viewport.current;
        if (v) v.scrollTop = v.scrollHeight;
    }, [run.log.length]);
    return (
        <ScrollArea h={160} type="auto" viewportRef={viewport}>
            <ol role="log" aria-label="Activity log" style={{margin: 0, paddingLeft: 0, listStyle: 'none', fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12}}>
                {lines.map((ev, i) => (
                    <li key={run.log.length - lines.length + i} data-type={ev.type}>
                        {stampedLine(ev, ev.elapsed)}
                    </li>
                ))}
            </ol>
        </ScrollArea>
    );
}
