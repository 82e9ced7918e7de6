import {useCallback, useEffect, useRef, useState} from 'react';
import {Alert, Button, Group, Loader, SimpleGrid, Table, Text, Tooltip} from '@mantine/core';
import {useApi} from '../api/context';
import type {CostReport, Money} from '../api/types';
import {formatHours, missing, money, provenance, quote, when} from '../lib/cost';

interface Props {
    env: string;
    /** The environment's state: a change prices it again. */
    state: string;
    now: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What the environment costs: per hour while running, this run so far, overnight, weekend, per month while stopped; every instance's price with its source and age. */
export function CostPanel({env, state, now}: Props) {
    const api = useApi();
    const [report, setReport] = useState<CostReport | undefined>();
    const [error, setError] = useState<string | undefined>();
    const [loading, setLoading] = useState(true);
    const [open, setOpen] = useState(false);

    // A new environment or state is priced again: the spinner shows from
    // this render on (set while rendering, so it never commits without it).
    const [priced, setPriced] = useState({env, state});
    if (priced.env !== env || priced.state !== state) {
        setPriced({env, state});
        setLoading(true);
    }

    // Only the latest request's answer is shown (a state change or a refresh may overtake one).
    const latest = useRef(0);
    const fetchReport = useCallback((call: () => Promise<CostReport>) => {
        const n = ++latest.current;
        call()
            .then(
                (r) => {
                    if (n !== latest.current) return;
                    setReport(r);
                    setError(undefined);
                },
                (err) => n === latest.current && setError(message(err)),
            )
            .finally(() => n === latest.current && setLoading(false));
    }, []);
    useEffect(() => fetchReport(() => api.envCost(env, false)), [api, env, state, fetchReport]);
    const refresh = () => {
        setLoading(true);
        fetchReport(() => api.refreshPrices(env));
    };

    const e = report?.estimate;
    return (
        <section aria-label="Cost" data-testid="cost-panel">
            <Group justify="space-between" mb={4}>
                <Text fw={600} size="sm">
                    Cost {loading && <Loader size={12} ml={4} aria-label="Pricing" />}
                </Text>
                <Group gap={4}>
                    <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} disabled={!e}>
                        {open ? 'Hide prices per instance' : 'Show prices per instance'}
                    </Button>
                    <Button size="compact-xs" variant="default" onClick={refresh} disabled={loading}>
                        Refresh prices
                    </Button>
                </Group>
            </Group>
            {error && (
                <Alert color="orange" variant="light" py={6} role="alert">
                    Cost could not be read: {error}
                </Alert>
            )}
            {e && (
                <>
                    <SimpleGrid cols={{base: 3, lg: 6}} spacing="xs">
                        <Figure id="cost-hourly-running" label="Per hour while running" value={e.hourlyWhileRunning} />
                        <Figure id="cost-hourly-now" label="Per hour now" value={e.hourlyNow} />
                        <Figure
                            id="cost-run-so-far"
                            label={
                                e.runSince && !String(e.runSince).startsWith('0001')
                                    ? `This run, since ${when(e.runSince)}`
                                    : 'This run so far'
                            }
                            value={e.runSoFar}
                        />
                        <Figure
                            id="cost-overnight"
                            label={`Overnight (${formatHours(e.overnight.hours)})`}
                            value={e.overnight.cost}
                        />
                        <Figure
                            id="cost-weekend"
                            label={`Weekend (${formatHours(e.weekend.hours)})`}
                            value={e.weekend.cost}
                        />
                        <Figure id="cost-stopped-month" label="Per month while stopped" value={e.stoppedMonthly} />
                    </SimpleGrid>
                    {[e.priceNote, report?.refresh?.problem, report?.volumeProblem].filter(Boolean).map((n) => (
                        <Text key={n} size="xs" c="orange" mt={4} role="note">
                            {n}
                        </Text>
                    ))}
                    {open && (
                        <div>
                            <Table
                                aria-label="Instance prices"
                                fz="xs"
                                mt="xs"
                                withRowBorders={false}
                                verticalSpacing={2}
                            >
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
                </>
            )}
        </section>
    );
}

function Figure({id, label, value}: {id: string; label: string; value: Money}) {
    const why = missing(value);
    return (
        <Tooltip label={why} disabled={!why} multiline w={320}>
            <div data-testid={id}>
                <Text size="xs" c="dimmed">
                    {label}
                </Text>
                <Text size="sm" fw={600} c={why ? 'orange' : undefined}>
                    {money(value)}
                </Text>
            </div>
        </Tooltip>
    );
}
