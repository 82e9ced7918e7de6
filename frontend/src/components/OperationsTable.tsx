import {Fragment, useEffect, useState} from 'react';
import {Alert, Button, ScrollArea, Table, Text, Title} from '@mantine/core';
import {useApi} from '../api/context';
import type {OperationRow, ReportRequest, RunEvent} from '../api/types';
import {duration} from '../lib/format';
import {logListStyle, stampedLine} from '../lib/log';

const resultColor: Record<string, string> = {
    done: 'green.7',
    failed: 'red.7',
    cancelled: 'orange.7',
    refused: 'dimmed',
    interrupted: 'grape.7',
    'interrupted?': 'grape.7',
    running: 'blue.7',
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Who started or stopped what, when, from where, and how it ended; a row opens its events. */
export function OperationsTable({req}: {req: ReportRequest}) {
    const api = useApi();
    const [ops, setOps] = useState<OperationRow[] | undefined>();
    const [error, setError] = useState<string | undefined>();
    const [open, setOpen] = useState<number | undefined>();
    const [events, setEvents] = useState<Record<number, RunEvent[] | string>>({});

    // A new range clears the last one's error at once, while rendering
    // (React's "adjusting state when a prop changes"), not in the effect.
    const [asked, setAsked] = useState(req);
    if (asked !== req) {
        setAsked(req);
        setError(undefined);
    }

    useEffect(() => {
        let live = true;
        api.operations(req).then(
            (o) => live && setOps(o ?? []),
            (err) => live && (setOps(undefined), setError(message(err))),
        );
        return () => {
            live = false;
        };
    }, [api, req]);

    const toggle = (id: number) => {
        setOpen((cur) => (cur === id ? undefined : id));
        if (events[id] === undefined) {
            api.operationEvents(id).then(
                (evs) => setEvents((m) => ({...m, [id]: evs ?? []})),
                (err) => setEvents((m) => ({...m, [id]: message(err)})),
            );
        }
    };

    return (
        <section aria-label="Starts and stops">
            <Title order={4} mb="xs">
                Starts and stops
            </Title>
            {error && (
                <Alert color="red" role="alert">
                    {error}
                </Alert>
            )}
            {ops && (
                <ScrollArea>
                    <Table aria-label="Starts and stops" fz="sm" striped>
                        <Table.Thead>
                            <Table.Tr>
                                <Table.Th>When</Table.Th>
                                <Table.Th>Environment</Table.Th>
                                <Table.Th>Action</Table.Th>
                                <Table.Th>Result</Table.Th>
                                <Table.Th ta="right">Took</Table.Th>
                                <Table.Th>Who</Table.Th>
                                <Table.Th>From</Table.Th>
                                <Table.Th />
                            </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                            {ops.length === 0 && (
                                <Table.Tr>
                                    <Table.Td colSpan={8}>No starts or stops in this range.</Table.Td>
                                </Table.Tr>
                            )}
                            {ops.map((o) => (
                                <Fragment key={o.id}>
                                    <Table.Tr data-testid="operation-row" title={o.message || undefined}>
                                        <Table.Td style={{whiteSpace: 'nowrap'}}>
                                            {new Date(o.started).toLocaleString()}
                                        </Table.Td>
                                        <Table.Td>{o.env}</Table.Td>
                                        <Table.Td>{o.action}</Table.Td>
                                        <Table.Td>
                                            <Text
                                                size="sm"
                                                fw={600}
                                                c={resultColor[o.result] ?? 'dimmed'}
                                                style={{whiteSpace: 'nowrap'}}
                                            >
                                                {o.result}
                                            </Text>
                                        </Table.Td>
                                        <Table.Td ta="right">{took(o)}</Table.Td>
                                        <Table.Td>{o.who || '-'}</Table.Td>
                                        <Table.Td>{o.client}</Table.Td>
                                        <Table.Td>
                                            <Button
                                                size="compact-xs"
                                                variant="subtle"
                                                onClick={() => toggle(o.id)}
                                                aria-expanded={open === o.id}
                                                disabled={o.events === 0}
                                                aria-label={`Events of ${o.action} ${o.env} at ${new Date(o.started).toLocaleString()}`}
                                            >
                                                {o.events === 0
                                                    ? 'no events'
                                                    : open === o.id
                                                      ? 'Hide events'
                                                      : `${o.events} events`}
                                            </Button>
                                        </Table.Td>
                                    </Table.Tr>
                                    {open === o.id && (
                                        <Table.Tr>
                                            <Table.Td colSpan={8}>
                                                {o.message && (
                                                    <Text size="xs" mb={4}>
                                                        {o.message}
                                                    </Text>
                                                )}
                                                <EventList events={events[o.id]} />
                                            </Table.Td>
                                        </Table.Tr>
                                    )}
                                </Fragment>
                            ))}
                        </Table.Tbody>
                    </Table>
                </ScrollArea>
            )}
        </section>
    );
}

function EventList({events}: {events: RunEvent[] | string | undefined}) {
    if (events === undefined) return <Text size="xs">Loading…</Text>;
    if (typeof events === 'string')
        return (
            <Text size="xs" c="red">
                {events}
            </Text>
        );
    const t0 = events.length ? Date.parse(String(events[0].time)) : 0;
    return (
        <ol aria-label="Events" style={logListStyle}>
            {events.map((ev, i) => (
                <li key={i} data-type={ev.type}>
                    {stampedLine(ev, (Date.parse(String(ev.time)) - t0) / 1000)}
                </li>
            ))}
        </ol>
    );
}

function took(o: OperationRow): string {
    if (!o.finished || String(o.finished).startsWith('0001-')) return '-';
    return duration(Math.round((Date.parse(String(o.finished)) - Date.parse(String(o.started))) / 1000));
}
