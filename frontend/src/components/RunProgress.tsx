import {useEffect, useRef, useState, type ReactNode} from 'react';
import {Alert, Anchor, Badge, Button, Group, Modal, Paper, ScrollArea, Stack, Text} from '@mantine/core';
import {op} from '../api/types';
import type {Run} from '../state/dashboard';
import {elapsed, epoch} from '../lib/format';
import {logListStyle, stampedLine} from '../lib/log';

interface Props {
    run: Run;
    /** Wall clock (ms) for the live elapsed time. */
    now: number;
    /** Whether the environment needs attention (its state, as Go decided it). */
    attention: boolean;
    /** Whether some of its instances are up (something left running to stop). */
    up: boolean;
    cancelling?: boolean;
    onCancel: () => void;
    onResume: () => void;
    onStopLeft: () => void;
    onDismiss: () => void;
    onCopyLog: (text: string) => void;
    onSaveLog: (text: string) => void;
}

export const outcomeText: Record<string, string> = {
    [op.Outcome.RUNNING]: 'in progress',
    [op.Outcome.DONE]: 'done',
    [op.Outcome.FAILED]: 'failed',
    [op.Outcome.CANCELLED]: 'cancelled',
    [op.Outcome.REFUSED]: 'could not begin',
    [op.Outcome.INTERRUPTED]: 'interrupted',
};
export const outcomeColor: Record<string, string> = {
    [op.Outcome.RUNNING]: 'blue.8',
    [op.Outcome.DONE]: 'green.9',
    [op.Outcome.FAILED]: 'red.9',
    [op.Outcome.CANCELLED]: 'gray.7',
    [op.Outcome.REFUSED]: 'red.9',
    [op.Outcome.INTERRUPTED]: 'grape.9',
};

const MAX_LOG = 300;

/**
 * A start's or stop's progress as the Go side pushes it: what it is doing and how it ended, what
 * to do next (cancel, resume, stop what was left running, dismiss) and its activity log. Its stages
 * are drawn in the stage graph, not repeated here. It comes into view when a run begins, and a run
 * that ended well shrinks to one line with a link to its log.
 */
export function RunProgress(p: Props) {
    const {run, now} = p;
    const pr = run.progress;
    const running = pr.outcome === op.Outcome.RUNNING;
    const wentWrong = pr.outcome === op.Outcome.FAILED || pr.outcome === op.Outcome.CANCELLED;
    const secs = runSeconds(pr, now);
    const verb = pr.action === op.Action.START ? 'Start' : 'Stop';
    const [asking, setAsking] = useState(false);
    // A run that ended well is one line; one in progress or gone wrong is open. The person may open or close it.
    const [shown, setShown] = useState<{key: string; open: boolean}>();
    const key = `${String(pr.started)}|${pr.outcome}`;
    const open = shown?.key === key ? shown.open : pr.outcome !== op.Outcome.DONE;
    const toggle = () => setShown({key, open: !open});

    const panel = useIntoView(running, pr.started);
    return (
        <Paper
            ref={panel}
            withBorder
            p="sm"
            role="region"
            aria-label="Run progress"
            data-testid="run-progress"
            data-status={pr.outcome}
            data-open={open}
        >
            <Group justify="space-between" wrap="wrap" gap="xs">
                <Group gap="xs" wrap="nowrap">
                    <Text fw={700}>{`${verb} ${pr.env}`}</Text>
                    <Badge color={outcomeColor[pr.outcome] ?? 'gray.7'} data-testid="run-status">
                        {outcomeText[pr.outcome] ?? pr.outcome}
                    </Badge>
                    <Text size="sm" c="dimmed" data-testid="run-elapsed" aria-label="Elapsed time">
                        {running ? elapsed(secs) : `after ${elapsed(secs)}`}
                    </Text>
                </Group>
                <Group gap="xs" wrap="nowrap">
                    {running && (
                        <Button
                            color="red.9"
                            variant="default"
                            size="xs"
                            onClick={() => setAsking(true)}
                            loading={p.cancelling}
                        >
                            Cancel run
                        </Button>
                    )}
                    {wentWrong && p.up && (
                        <Button size="xs" variant="default" onClick={p.onStopLeft} data-testid="stop-left">
                            Stop what was left running
                        </Button>
                    )}
                    {wentWrong && (
                        <Button size="xs" onClick={p.onResume} data-emphasis="primary">
                            Resume
                        </Button>
                    )}
                    {p.attention && !running && (
                        <Button size="xs" variant="subtle" onClick={p.onDismiss}>
                            Dismiss
                        </Button>
                    )}
                    <Anchor component="button" type="button" size="sm" onClick={toggle} aria-expanded={open}>
                        {open ? 'Hide log' : 'Show log'}
                    </Anchor>
                </Group>
            </Group>
            {open && (
                <Stack gap="xs" mt="xs">
                    {pr.failure && <FailureAlert run={run} />}
                    {pr.outcome === op.Outcome.CANCELLED && pr.message && (
                        <Alert color="gray" variant="light" title="Cancelled" data-testid="run-cancelled">
                            {pr.message}
                        </Alert>
                    )}
                    <ActivityLog log={run.log} />
                    <LogButtons log={run.log} onCopy={p.onCopyLog} onSave={p.onSaveLog} />
                </Stack>
            )}
            <CancelAsk
                opened={asking}
                title={`Cancel the ${verb.toLowerCase()} of ${pr.env}?`}
                keep="Keep running"
                confirm="Cancel the run"
                onClose={() => setAsking(false)}
                onConfirm={p.onCancel}
            >
                The stages in progress are abandoned. Nothing is undone: what has already{' '}
                {pr.action === op.Action.START ? 'started keeps running' : 'stopped stays stopped'}, and the run&apos;s
                log says what was left where.
            </CancelAsk>
        </Paper>
    );
}

/** Asks before a cancel: what it does, keep going (focused) or cancel. */
export function CancelAsk(p: {
    opened: boolean;
    title: string;
    keep: string;
    confirm: string;
    onClose: () => void;
    onConfirm: () => void;
    children: ReactNode;
}) {
    return (
        <Modal opened={p.opened} onClose={p.onClose} title={p.title}>
            <Text size="sm">{p.children}</Text>
            <Group justify="flex-end" mt="md">
                <Button variant="default" onClick={p.onClose} data-autofocus>
                    {p.keep}
                </Button>
                <Button
                    color="red.9"
                    onClick={() => {
                        p.onClose();
                        p.onConfirm();
                    }}
                >
                    {p.confirm}
                </Button>
            </Group>
        </Modal>
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
                <Text size="xs" mt={4}>
                    Resume shows the plan again; stages already done are skipped.
                </Text>
            )}
        </Alert>
    );
}

/** A run's seconds so far: the Go side's figure, or the wall clock's while it runs (between its events). */
export function runSeconds(pr: Run['progress'], now: number): number {
    const started = epoch(pr.started);
    return pr.outcome === op.Outcome.RUNNING && !Number.isNaN(started)
        ? Math.max(pr.elapsed, (now - started) / 1000)
        : pr.elapsed;
}

/** A run's panel comes into view when the run begins. */
export function useIntoView(running: boolean, started: unknown) {
    const panel = useRef<HTMLDivElement>(null);
    useEffect(() => {
        if (running) panel.current?.scrollIntoView?.({block: 'nearest', behavior: 'smooth'});
    }, [running, started]);
    return panel;
}

/** Copy log and Save log…: the activity log as the command line prints it. */
export function LogButtons({
    log,
    onCopy,
    onSave,
}: {
    log: Run['log'];
    onCopy: (t: string) => void;
    onSave: (t: string) => void;
}) {
    const text = () => log.map((ev) => stampedLine(ev, ev.elapsed)).join('\n') + '\n';
    return (
        <Group gap="xs">
            <Button size="compact-xs" variant="default" onClick={() => onCopy(text())} disabled={!log.length}>
                Copy log
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => onSave(text())} disabled={!log.length}>
                Save log…
            </Button>
        </Group>
    );
}

export function ActivityLog({log}: {log: Run['log']}) {
    const lines = log.slice(-MAX_LOG);
    const viewport = useRef<HTMLDivElement>(null);
    // Follow the newest line, as a terminal would.
    useEffect(() => {
        const v = viewport.current;
        if (v) v.scrollTop = v.scrollHeight;
    }, [log.length]);
    return (
        <ScrollArea h={150} type="auto" viewportRef={viewport} viewportProps={{tabIndex: 0}}>
            <div role="log" aria-label="Activity log">
                <ol style={logListStyle}>
                    {lines.map((ev, i) => (
                        <li key={log.length - lines.length + i} data-type={ev.type}>
                            {stampedLine(ev, ev.elapsed)}
                        </li>
                    ))}
                </ol>
            </div>
        </ScrollArea>
    );
}
