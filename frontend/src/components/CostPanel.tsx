import {useEffect, useState} from 'react';
import {Alert, Button, Group, Loader, SimpleGrid, Table, Text, Tooltip} from '@mantine/core';
import type {Money} from '../api/types';
import type {CostEntry, CostRead} from '../state/useCosts';
import {formatHours, missing, money, provenance, quote, when} from '../lib/cost';

interface Props {
    env: string;
    /** The environment's state: a change prices it again. */
    state: string;
    /** Whether anything of it runs (per hour now is then more than storage). */
    up: boolean;
    cost?: CostEntry;
    onLoad: (how: CostRead) => void;
    now: number;
}

/**
 * What the environment costs: per hour while running, per hour now, this run so far, overnight,
 * weekend, per month while stopped; every instance's price with its source and age. The figures
 * keep their places while they are read (no layout shift): a placeholder stands where each goes.
 */
export function CostPanel({env, state, up, cost, onLoad, now}: Props) {
    const [open, setOpen] = useState(false);
    useEffect(() => onLoad('online'), [env, state, onLoad]);
    const report = cost?.report;
    const e = report?.estimate;
    const loading = cost?.loading ?? true;
    const since = e?.runSince && !String(e.runSince).startsWith('0001') ? `This run, since ${when(e.runSince)}` : '';
    return (
        <section aria-label="Cost" data-testid="cost-panel" aria-busy={loading}>
            <Group justify="space-between" mb={4} wrap="nowrap">
                <Group gap={6} wrap="nowrap">
                    <Text fw={700} size="sm">
                        Cost
                    </Text>
                    <span style={{width: 14, display: 'inline-flex'}}>
                        {loading && <Loader size={12} aria-label="Pricing" />}
                    </span>
                </Group>
                <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} disabled={!e}>
                        {open ? 'Hide prices per instance' : 'Show prices per instance'}
                    </Button>
                    <Button size="compact-xs" variant="default" onClick={() => onLoad('refresh')} disabled={loading}>
                        Refresh prices
                    </Button>
                </Group>
            </Group>
            {cost?.error && (
                <Alert color="orange" variant="light" py={6} role="alert">
                    Cost could not be read: {cost.error}
                </Alert>
            )}
            <SimpleGrid cols={{base: 3, lg: 6}} spacing="xs" verticalSpacing={6}>
                <Figure
                    id="cost-hourly-running"
                    label="Per hour while running"
                    value={e?.hourlyWhileRunning}
                    none={!loading}
                />
                <Figure
                    id="cost-hourly-now"
                    label="Per hour now"
                    value={e?.hourlyNow}
                    note={e && !up ? 'storage only' : undefined}
                    none={!loading}
                />
                <Figure id="cost-run-so-far" label={since || 'This run so far'} value={e?.runSoFar} none={!loading} />
                <Figure
                    id="cost-overnight"
                    label={`Overnight${e ? ` (${formatHours(e.overnight.hours)})` : ''}`}
                    value={e?.overnight.cost}
                    none={!loading}
                />
                <Figure
                    id="cost-weekend"
                    label={`Weekend${e ? ` (${formatHours(e.weekend.hours)})` : ''}`}
                    value={e?.weekend.cost}
                    none={!loading}
                />
                <Figure
                    id="cost-stopped-month"
                    label="Per month while stopped"
                    value={e?.stoppedMonthly}
                    none={!loading}
                />
            </SimpleGrid>
            <Text size="xs" c="dimmed" mt={4} data-testid="cost-basis" lineClamp={2}>
                {e?.basis ?? ' '}
            </Text>
            {[e?.priceNote, report?.refresh?.problem, report?.volumeProblem].filter(Boolean).map((n) => (
                <Text key={n} size="xs" c="orange" mt={2} role="note">
                    {n}
                </Text>
            ))}
            {open && e && (
                <div>
                    <Table aria-label="Instance prices" fz="xs" mt="xs" withRowBorders={false} verticalSpacing={2}>
                        <Table.Thead>
                            <Table.Tr>
                                <Table.Th>Instance</Table.Th>
                                <Table.Th>Type</Table.Th>
                                <Table.Th>Region</Table.Th>
                                <Table.Th>State</Table.Th>
                                <Table.Th>Price</Table.Th>
                                <Table.Th>Source</Table.Th>
                                <Table.Th>Per hour while running</Table.Th>
                            </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                            {(e.instances ?? []).map((i) => (
                                <Table.Tr key={i.id} data-testid="instance-price" data-known={i.hourly.known}>
                                    <Table.Td>{i.name || i.id}</Table.Td>
                                    <Table.Td>
                                        {i.type || 'type unknown'}
                                        {i.lifecycle === 'spot' ? ' (spot)' : ''}
                                    </Table.Td>
                                    <Table.Td>{i.region}</Table.Td>
                                    <Table.Td>{i.state}</Table.Td>
                                    <Table.Td>{quote(i.hourly)}</Table.Td>
                                    <Table.Td>{provenance(i.hourly, now)}</Table.Td>
                                    <Table.Td>{money(i.hourlyWhileRunning)}</Table.Td>
                                </Table.Tr>
                            ))}
                        </Table.Tbody>
                    </Table>
                    <Text size="xs" c="dimmed" mt={4}>
                        {(e.definitions ?? []).join(' ')}
                    </Text>
                </div>
            )}
        </section>
    );
}

/** One figure in its place; "…" while it is read, "—" when it could not be (none). */
function Figure({
    id,
    label,
    value,
    note,
    none,
}: {
    id: string;
    label: string;
    value?: Money;
    note?: string;
    none?: boolean;
}) {
    const why = missing(value);
    return (
        <Tooltip label={why} disabled={!why} multiline w={320}>
            <div data-testid={id}>
                <Text size="xs" c="dimmed" truncate title={label}>
                    {label}
                </Text>
                <Text size="sm" fw={700} c={why ? 'orange' : undefined}>
                    {value ? money(value) : none ? '—' : '…'}
                    {note && (
                        <Text span size="xs" fw={400} c="dimmed">
                            {' '}
                            {note}
                        </Text>
                    )}
                </Text>
            </div>
        </Tooltip>
    );
}
