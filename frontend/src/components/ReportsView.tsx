import {useCallback, useEffect, useState} from 'react';
import {
    Alert,
    Button,
    Group,
    Loader,
    NativeSelect,
    ScrollArea,
    Stack,
    Table,
    Text,
    TextInput,
    Title,
} from '@mantine/core';
import {notifications} from '@mantine/notifications';
import {BarChart} from '@mantine/charts';
import {useApi} from '../api/context';
import type {Report, ReportDay, ReportRequest} from '../api/types';
import {isoDate, money, quote, reportHours, usd} from '../lib/cost';
import {OperationsTable} from './OperationsTable';

interface Props {
    envs: string[];
    /** The environment to show at first ("" for all): an environment's "Starts and stops" link opens it here. */
    env?: string;
    /** Today, for the default range (this month so far). */
    today?: Date;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Usage over a date range per environment and instance: hours and estimated cost as a table, a chart per day, and CSV export. */
export function ReportsView({envs, env: first = '', today = new Date()}: Props) {
    const api = useApi();
    const [from, setFrom] = useState(isoDate(new Date(today.getFullYear(), today.getMonth(), 1)));
    const [to, setTo] = useState(isoDate(today));
    const [env, setEnv] = useState(first);
    const [report, setReport] = useState<Report | undefined>();
    const [error, setError] = useState<string | undefined>();
    const [loading, setLoading] = useState(true); // the opening range is asked for at once
    const [saving, setSaving] = useState(false);
    const [notice, setNotice] = useState('');
    // The range on open, asked for at once; later ranges are asked with "Show report".
    const [opening] = useState<ReportRequest>(() => ({env, from, to}) as ReportRequest);
    // The range last asked for: the starts-and-stops table follows it.
    const [applied, setApplied] = useState<ReportRequest>(opening);

    const req: ReportRequest = {env, from, to} as ReportRequest;
    // Sets state only once the answer is in, so the effect may call it.
    const fetchReport = useCallback(
        (r: ReportRequest) =>
            api
                .report(r)
                .then(setReport, (err) => {
                    setReport(undefined);
                    setError(message(err));
                })
                .finally(() => setLoading(false)),
        [api],
    );
    const show = () => {
        setApplied((cur) => (cur.env === req.env && cur.from === req.from && cur.to === req.to ? cur : req));
        setLoading(true);
        setError(undefined);
        fetchReport(req);
    };

    useEffect(() => {
        fetchReport(opening);
    }, [fetchReport, opening]);
    useEffect(() => {
        api.historyNotice().then(setNotice, () => {});
    }, [api]);

    const save = async () => {
        setSaving(true);
        try {
            const path = await api.saveCSV(req);
            if (path) notifications.show({title: 'Report saved', message: path});
        } catch (err) {
            setError(message(err));
        } finally {
            setSaving(false);
        }
    };

    return (
        <Stack gap="sm" role="main" aria-label="Usage report">
            <Title order={2} size="h3">
                Usage report{env ? ` of ${env}` : ''}
            </Title>
            {notice && (
                <Alert color="orange" role="note">
                    {notice}
                </Alert>
            )}
            <Group align="flex-end" gap="xs">
                <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
                <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
                <NativeSelect
                    label="Environment"
                    value={env}
                    onChange={(e) => setEnv(e.currentTarget.value)}
                    data={[{value: '', label: 'All environments'}, ...envs.map((e) => ({value: e, label: e}))]}
                />
                <Button onClick={show} loading={loading}>
                    Show report
                </Button>
                <Button variant="default" onClick={save} loading={saving} disabled={!report}>
                    Export CSV…
                </Button>
            </Group>
            {error && (
                <Alert color="red" role="alert">
                    {error}
                </Alert>
            )}
            {loading && !report && <Loader aria-label="Loading the report" />}
            {report && <ReportBody report={report} />}
            <OperationsTable req={applied} />
        </Stack>
    );
}

function ReportBody({report}: {report: Report}) {
    const rows = report.rows ?? [];
    return (
        <>
            <Text size="sm" data-testid="report-total">
                Total: {reportHours(report.total.hours)} instance hours, estimated {money(report.total.cost)}
            </Text>
            <DayChart days={report.days ?? []} />
            <ScrollArea>
                <Table aria-label="Usage by instance" striped fz="sm">
                    <Table.Thead>
                        <Table.Tr>
                            <Table.Th>Environment</Table.Th>
                            <Table.Th>Instance</Table.Th>
                            <Table.Th>Region</Table.Th>
                            <Table.Th>Type</Table.Th>
                            <Table.Th ta="right">Runs</Table.Th>
                            <Table.Th ta="right">Hours</Table.Th>
                            <Table.Th ta="right" style={{whiteSpace: 'nowrap'}}>
                                Price
                            </Table.Th>
                            <Table.Th ta="right" style={{whiteSpace: 'nowrap'}}>
                                Estimated cost
                            </Table.Th>
                        </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                        {rows.length === 0 && (
                            <Table.Tr>
                                <Table.Td colSpan={8}>Nothing ran in this range.</Table.Td>
                            </Table.Tr>
                        )}
                        {rows.map((r) => (
                            <Table.Tr key={`${r.env}/${r.instance}/${r.type}`} data-testid="report-row">
                                <Table.Td>{r.env}</Table.Td>
                                <Table.Td>{r.name ? `${r.name} (${r.instance})` : r.instance}</Table.Td>
                                <Table.Td>{r.region}</Table.Td>
                                <Table.Td>
                                    {r.type}
                                    {r.lifecycle === 'spot' ? ' (spot)' : ''}
                                </Table.Td>
                                <Table.Td ta="right">{r.runs}</Table.Td>
                                <Table.Td ta="right">{reportHours(r.hours)}</Table.Td>
                                <Table.Td ta="right" style={{whiteSpace: 'nowrap'}}>
                                    {quote(r.price)}
                                </Table.Td>
                                <Table.Td ta="right" style={{whiteSpace: 'nowrap'}}>
                                    {money(r.cost)}
                                </Table.Td>
                            </Table.Tr>
                        ))}
                    </Table.Tbody>
                    {(report.envs ?? []).length > 0 && (
                        <Table.Tfoot>
                            {(report.envs ?? []).map((e) => (
                                <Table.Tr key={e.env} data-testid="report-env-total">
                                    <Table.Th colSpan={5}>{e.env} total</Table.Th>
                                    <Table.Th ta="right">{reportHours(e.hours)}</Table.Th>
                                    <Table.Th />
                                    <Table.Th ta="right">{money(e.cost)}</Table.Th>
                                </Table.Tr>
                            ))}
                        </Table.Tfoot>
                    )}
                </Table>
            </ScrollArea>
            <Text size="xs" c="dimmed">
                {report.basis}
            </Text>
        </>
    );
}

/** One day of the chart: its cost, split into what was fully priced and what had parts nobody could price. */
interface ChartDay {
    date: string;
    priced: number;
    partly: number;
    hours: number;
}

/** "Dec 1": a day of the range as the person's locale writes it. */
const shortDate = (d: string) => {
    const [y, m, day] = d.split('-').map(Number);
    return new Date(y, m - 1, day).toLocaleDateString(undefined, {month: 'short', day: 'numeric'});
};

/**
 * Estimated cost per day (hours when nothing could be priced) as a bar
 * chart with axes and values, one bar per day; days with parts nobody could
 * price in orange. The same figures follow as a table for screen readers.
 */
export function DayChart({days}: {days: ReportDay[]}) {
    const byHours = days.every((d) => d.cost.usd === 0);
    const data: ChartDay[] = days.map((d) => {
        const v = byHours ? d.hours : d.cost.usd;
        const partial = (d.cost.unknown?.length ?? 0) > 0;
        return {date: d.date, priced: partial ? 0 : v, partly: partial ? v : 0, hours: d.hours};
    });
    const fmt = byHours ? (v: number) => `${reportHours(v)} h` : usd;
    return (
        <figure aria-label={byHours ? 'Instance hours per day' : 'Estimated cost per day'} style={{margin: 0}}>
            <BarChart
                h={200}
                data={data}
                dataKey="date"
                type="stacked"
                series={[
                    {name: 'priced', label: byHours ? 'Instance hours' : 'Estimated cost', color: 'indigo.8'},
                    {name: 'partly', label: 'Partly priced', color: 'orange.8'},
                ]}
                valueFormatter={fmt}
                xAxisProps={{tickFormatter: shortDate, interval: 'preserveStartEnd'}}
                yAxisProps={{width: 64}}
                maxBarWidth={48}
                tickLine="y"
                gridAxis="y"
                withLegend={data.some((d) => d.partly > 0)}
            />
            <figcaption>
                <Text size="xs" c="dimmed">
                    {byHours
                        ? 'Instance hours per day (no cost could be priced)'
                        : 'Estimated cost per day; orange days include parts that could not be priced'}
                    {days.length > 0 ? ` · ${days[0].date} to ${days[days.length - 1].date}` : ''}
                </Text>
            </figcaption>
            <table className="visually-hidden" aria-label="Per day">
                <tbody>
                    {days.map((d) => (
                        <tr key={d.date} data-testid="day-bar" data-date={d.date}>
                            <th scope="row">{d.date}</th>
                            <td>{money(d.cost)}</td>
                            <td>{reportHours(d.hours)} hours</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </figure>
    );
}
