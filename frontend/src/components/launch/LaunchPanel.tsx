import {useState} from 'react';
import {Alert, Badge, Button, Group, Paper, Progress as Bar, Stack, Table, Text} from '@mantine/core';
import {op, type LaunchProgress, type Progress} from '../../api/types';
import type {Run} from '../../state/dashboard';
import {elapsed} from '../../lib/format';
import {ActivityLog, CancelAsk, LogButtons, outcomeColor, outcomeText, runSeconds, useIntoView} from '../RunProgress';
import classes from './LaunchPanel.module.css';

interface Props {
    run: Run;
    now: number;
    cancelling?: boolean;
    onCancel: () => void;
    onCopyLog: (text: string) => void;
    onSaveLog: (text: string) => void;
}

/** The stacks of a launch, terminate or clean-up (op.Progress.launches). */
export const stacksOf = (p: Progress): LaunchProgress[] =>
    (p as Progress & {launches?: LaunchProgress[]}).launches ?? [];

const verbs: Record<string, string> = {
    [op.Action.LAUNCH]: 'Launch',
    [op.Action.TERMINATE]: 'Terminate',
    [op.Action.CLEAN_UP]: 'Clean up',
};

/**
 * A launch, terminate or clean-up as the Go side folds it: per stack its CloudFormation status, its
 * resources as their events come, the first failure's reason, the instance's state and boot progress,
 * the DNS name once written, the outcome; Cancel (asked first: it deletes the stacks) and the run's log.
 */
export function LaunchPanel({run, now, cancelling, onCancel, onCopyLog, onSaveLog}: Props) {
    const pr = run.progress;
    const running = pr.outcome === op.Outcome.RUNNING;
    const secs = runSeconds(pr, now);
    const verb = verbs[pr.action] ?? pr.action;
    const [asking, setAsking] = useState(false);
    const stacks = stacksOf(pr);
    const what = stacks.map((s) => s.name || s.stack).join(', ');
    const panel = useIntoView(running, pr.started);
    return (
        <Paper
            ref={panel}
            withBorder
            p="sm"
            role="region"
            aria-label={`${verb} progress`}
            data-testid="launch-panel"
            data-status={pr.outcome}
        >
            <Group justify="space-between" wrap="wrap" gap="xs">
                <Group gap="xs" wrap="nowrap">
                    <Text fw={700}>{`${verb} ${what ? what + ' in ' : ''}${pr.env}`}</Text>
                    <Badge color={outcomeColor[pr.outcome] ?? 'gray.7'} data-testid="launch-status">
                        {outcomeText[pr.outcome] ?? pr.outcome}
                    </Badge>
                    <Text size="sm" c="dimmed" aria-label="Elapsed time">
                        {running ? elapsed(secs) : `after ${elapsed(secs)}`}
                    </Text>
                </Group>
                {running && (
                    <Button
                        color="red.9"
                        variant="default"
                        size="xs"
                        onClick={() => setAsking(true)}
                        loading={cancelling}
                    >
                        Cancel {verb.toLowerCase()}
                    </Button>
                )}
            </Group>
            <Stack gap="sm" mt="xs">
                {pr.failure && (
                    <Alert
                        color="red"
                        role="alert"
                        title={pr.outcome === op.Outcome.REFUSED ? 'Could not begin' : 'Failed'}
                        data-testid="launch-failure"
                    >
                        <Text size="sm">{pr.failure.message}</Text>
                    </Alert>
                )}
                {!running && pr.message && !pr.failure && (
                    <Text size="sm" data-testid="launch-message">
                        {pr.message}
                    </Text>
                )}
                {stacks.map((s) => (
                    <StackView key={s.stack} s={s} />
                ))}
                <ActivityLog log={run.log} />
                <LogButtons log={run.log} onCopy={onCopyLog} onSave={onSaveLog} />
            </Stack>
            <CancelAsk
                opened={asking}
                title={`Cancel the ${verb.toLowerCase()}?`}
                keep="Keep going"
                confirm={pr.action === op.Action.LAUNCH ? 'Cancel and delete the stacks' : 'Cancel'}
                onClose={() => setAsking(false)}
                onConfirm={onCancel}
            >
                {pr.action === op.Action.LAUNCH
                    ? `Its stacks (${stacks.map((s) => s.stack).join(', ') || 'none yet'}) are deleted, and the window waits until they are gone: nothing it made is left behind.`
                    : 'It stops where it is; what is already deleted stays deleted, and the log says what is left.'}
            </CancelAsk>
        </Paper>
    );
}

function StackView({s}: {s: LaunchProgress}) {
    const label = s.name || s.stack;
    return (
        <section
            className={classes.stack}
            data-outcome={s.outcome}
            aria-label={`Stack ${s.stack}`}
            data-testid="launch-stack"
        >
            <Group gap="xs" wrap="wrap">
                <Text fw={600} size="sm">
                    {label}
                </Text>
                <Text size="xs" c="dimmed">
                    stack {s.stack}
                </Text>
                {s.status && (
                    <Badge variant="light" color={statusColor(s.status)} size="sm" data-testid="stack-status">
                        {s.status}
                    </Badge>
                )}
                {s.instance && (
                    <Text size="xs" data-testid="stack-instance">
                        {s.instance}
                        {s.state ? ` is ${s.state}` : ''}
                    </Text>
                )}
                {s.dns && (
                    <Text size="xs" ff="monospace" data-testid="stack-dns">
                        {s.dns}
                    </Text>
                )}
            </Group>
            {s.percent !== undefined && s.percent !== null && (
                <Group gap="xs" mt={4} wrap="nowrap">
                    <Bar
                        value={s.percent}
                        style={{flex: 1}}
                        aria-label={`Boot progress of ${label}${s.bootMessage ? `: ${s.bootMessage}` : ''}`}
                    />
                    <Text size="xs" data-testid="boot-message" style={{whiteSpace: 'nowrap'}}>
                        {s.percent}%{s.bootMessage ? ` ${s.bootMessage}` : ''}
                    </Text>
                </Group>
            )}
            {s.reason && (
                <Alert color="red" variant="light" py={6} mt={4} role="alert" data-testid="stack-reason" title="Failed">
                    <Text size="sm">{s.reason}</Text>
                </Alert>
            )}
            {s.resources.length > 0 && (
                <Table className={classes.resources} verticalSpacing={2} mt={4} aria-label={`Resources of ${s.stack}`}>
                    <Table.Thead>
                        <Table.Tr>
                            <Table.Th>Resource</Table.Th>
                            <Table.Th>Type</Table.Th>
                            <Table.Th>Status</Table.Th>
                            <Table.Th>Reason</Table.Th>
                        </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                        {s.resources.map((r) => (
                            <Table.Tr key={r.logicalId} data-testid="stack-resource">
                                <Table.Td>{r.logicalId}</Table.Td>
                                <Table.Td>{r.type}</Table.Td>
                                <Table.Td>{r.status}</Table.Td>
                                <Table.Td>{r.reason}</Table.Td>
                            </Table.Tr>
                        ))}
                    </Table.Tbody>
                </Table>
            )}
            {s.message && s.outcome !== op.Outcome.RUNNING && (
                <Text size="xs" mt={4} data-testid="stack-message">
                    {s.message}
                    {s.cleanedUp ? ' (its stack was deleted)' : ''}
                </Text>
            )}
        </section>
    );
}

function statusColor(status: string): string {
    if (/FAILED|ROLLBACK/.test(status)) return 'red.9';
    if (/COMPLETE$/.test(status)) return 'green.9';
    return 'blue.8';
}
