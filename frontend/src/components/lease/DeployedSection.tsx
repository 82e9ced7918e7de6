import {useEffect, useRef} from 'react';
import {Alert, Badge, Button, Group, Loader, Stack, Table, Text} from '@mantine/core';
import type {DeployedSchedule, Deployment} from '../../api/types';
import {useDeployed} from '../../state/useLease';
import {when} from '../../lib/lease';
import {clock} from '../../lib/format';

/**
 * What of the environment is deployed in AWS (its runbooks and schedules), read on demand:
 * the dashboard's polling never reads it (three AWS calls).
 */
export function DeployedSection({env, leaseUntil}: {env: string; leaseUntil?: string}) {
    const d = useDeployed(env);
    const read = !!d.deployment;
    // A lease set, moved or ended (here, from the tray, by someone else) moves its schedule: what was read is read again.
    const {changed} = d;
    const seen = useRef(leaseUntil);
    useEffect(() => {
        if (seen.current === leaseUntil) return;
        seen.current = leaseUntil;
        changed();
    }, [leaseUntil, changed]);
    return (
        <section aria-label="In AWS" data-testid="deployed" aria-busy={d.loading}>
            <Group justify="space-between" mb={4} wrap="nowrap">
                <Group gap={6} wrap="nowrap">
                    <Text fw={700} size="sm">
                        In AWS: runbooks and schedules
                    </Text>
                    <span style={{width: 14, display: 'inline-flex'}}>
                        {d.loading && <Loader size={12} aria-label="Reading what is deployed" />}
                    </span>
                </Group>
                <Button size="compact-xs" variant="default" onClick={d.refresh} disabled={d.loading}>
                    {read ? 'Refresh' : 'Read what is deployed'}
                </Button>
            </Group>
            {d.error && (
                <Alert color="orange" variant="light" py={6} role="alert" data-testid="deployed-error">
                    What is deployed could not be read: {d.error}
                </Alert>
            )}
            {!read && !d.loading && !d.error && (
                <Text size="xs" c="dimmed">
                    Read from AWS on demand: the start and stop runbooks, their schedules and the lease&apos;s.
                </Text>
            )}
            {d.deployment && <Body env={env} d={d.deployment} />}
        </section>
    );
}

function Body({env, d}: {env: string; d: Deployment}) {
    const checked = (
        <Text size="xs" c="dimmed" data-testid="deployed-checked">
            Checked at {clock(d.checked) || 'an unknown time'}
            {d.region ? ` in ${d.region}` : ''}.
        </Text>
    );
    if (!d.deployed)
        return (
            <Stack gap={4} data-testid="deployed-none">
                <Text size="sm">
                    Nothing of {env} is deployed in AWS: it starts and stops only from Cloud Control, and a lease is
                    kept only while this app is open. To run it on a schedule and keep leases with every laptop closed,
                    deploy its runbooks: <code>cloudcontrol env deploy {env}</code> (it shows what it will create and
                    asks first).
                </Text>
                {checked}
            </Stack>
        );
    const schedules = d.schedules ?? [];
    return (
        <Stack gap={6}>
            <Text size="sm" data-testid="deployed-next">
                {[
                    d.nextStart ? `Next start ${when(d.nextStart)}` : 'No scheduled start',
                    d.nextStop ? `next stop ${when(d.nextStop)}` : 'no scheduled stop',
                ].join(' · ')}
                {d.lease ? ` · the lease's stop ${when(d.lease.next) || d.lease.expression}` : ''}
            </Text>
            <Table fz="xs" verticalSpacing={3} aria-label="Runbooks in AWS" data-testid="deployed-documents">
                <Table.Thead>
                    <Table.Tr>
                        <Table.Th>Runbook</Table.Th>
                        <Table.Th>SSM document</Table.Th>
                        <Table.Th>Version</Table.Th>
                        <Table.Th>Changed in AWS</Table.Th>
                    </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                    {(d.documents ?? []).map((doc) => (
                        <Table.Tr key={doc.name}>
                            <Table.Td>{doc.kind}</Table.Td>
                            <Table.Td ff="monospace">{doc.name}</Table.Td>
                            <Table.Td>
                                {doc.version}
                                {doc.latestVersion && doc.latestVersion !== doc.version
                                    ? ` (latest ${doc.latestVersion})`
                                    : ''}
                            </Table.Td>
                            <Table.Td>
                                {doc.changedInAws ? (
                                    <Badge color="orange.9" size="sm" title="Not the content Cloud Control deployed">
                                        changed in AWS
                                    </Badge>
                                ) : (
                                    'no'
                                )}
                            </Table.Td>
                        </Table.Tr>
                    ))}
                </Table.Tbody>
            </Table>
            {d.documents?.some((doc) => doc.changedInAws) && (
                <Text size="xs" c="orange">
                    A runbook was changed by hand in AWS: <code>cloudcontrol env deploy {env}</code> shows the
                    difference and overwrites it only when confirmed.
                </Text>
            )}
            <Text size="xs">
                Schedule group <code>{d.group || '—'}</code>
                {schedules.length === 0 ? ': no schedules.' : ''}
            </Text>
            {schedules.length > 0 && (
                <Table fz="xs" verticalSpacing={3} aria-label="Schedules in AWS" data-testid="deployed-schedules">
                    <Table.Thead>
                        <Table.Tr>
                            <Table.Th>Schedule</Table.Th>
                            <Table.Th>Expression</Table.Th>
                            <Table.Th>Time zone</Table.Th>
                            <Table.Th>State</Table.Th>
                            <Table.Th>Next runs</Table.Th>
                        </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>{schedules.map((s) => scheduleRow(s, s.name === d.lease?.name))}</Table.Tbody>
                </Table>
            )}
            {checked}
        </Stack>
    );
}

function scheduleRow(s: DeployedSchedule, lease: boolean) {
    const runs = (s.runs?.length ? s.runs : s.next ? [s.next] : []).map(when).filter(Boolean);
    return (
        <Table.Tr key={s.name} data-testid={`schedule-${s.name}`}>
            <Table.Td>
                <span title={s.document ? `runs ${s.document}` : undefined}>{s.name}</span>
                {lease && (
                    <Badge ml={4} size="xs" color="blue.9">
                        lease
                    </Badge>
                )}
                {!s.ours && (
                    <Badge ml={4} size="xs" color="gray.8" title="Not written by Cloud Control">
                        not ours
                    </Badge>
                )}
            </Table.Td>
            <Table.Td ff="monospace" title={s.describe || undefined}>
                {s.expression}
                {s.describe ? (
                    <Text span size="xs" c="dimmed" ff="text">
                        {' '}
                        ({s.describe})
                    </Text>
                ) : null}
            </Table.Td>
            <Table.Td>{s.timezone || 'UTC'}</Table.Td>
            <Table.Td>{s.state}</Table.Td>
            <Table.Td>{runs.length ? runs.join(', ') : 'no more runs'}</Table.Td>
        </Table.Tr>
    );
}
