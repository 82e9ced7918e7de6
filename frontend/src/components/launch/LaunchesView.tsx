import {useCallback, useEffect, useMemo, useState} from 'react';
import {Alert, Badge, Button, Group, Loader, Modal, Stack, Table, Text, Title} from '@mantine/core';
import {notifications} from '@mantine/notifications';
import {useApi} from '../../api/context';
import {control, type LaunchList, type Listed} from '../../api/types';
import {quote, when} from '../../lib/cost';
import {message} from './Problems';

/** Who launched it, as a name ("tester" of arn:aws:iam::...:user/tester). */
const who = (arn?: string) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '');

/**
 * Every launch in the window's profile and region (List("")), leftovers marked with why, and per
 * environment that has leftovers a Clean up (asked first) that deletes them.
 */
export function LaunchesView() {
    const api = useApi();
    const [list, setList] = useState<LaunchList | undefined>();
    const [error, setError] = useState<string | undefined>();
    const [loading, setLoading] = useState(true);
    const [asking, setAsking] = useState<string | undefined>();
    const [cleaning, setCleaning] = useState<string | undefined>();

    // Sets state only once the answer is in, so the effect may call it (Refresh shows it is listing).
    const fetchList = useCallback(
        () =>
            api
                .launches('')
                .then(
                    (l) => {
                        setList(l);
                        setError(undefined);
                    },
                    (err) => setError(message(err)),
                )
                .finally(() => setLoading(false)),
        [api],
    );
    useEffect(() => {
        fetchList();
    }, [fetchList]);
    const load = () => {
        setLoading(true);
        fetchList();
    };
    // A pushed list of leftovers is the truth about them (a clean-up lists again): rows it no longer
    // names were cleaned up; the launches that are not leftovers stay as listed.
    useEffect(
        () =>
            api.onLeftovers((pushed: Listed[]) =>
                setList(
                    (l) =>
                        l &&
                        control.LaunchList.createFrom({
                            ...l,
                            launches: [...(l.launches ?? []).filter((x) => !x.leftover), ...(pushed ?? [])],
                        }),
                ),
            ),
        [api],
    );
    const rows = useMemo(() => list?.launches ?? [], [list]);
    const leftEnvs = Array.from(new Set(rows.filter((r) => r.leftover).map((r) => r.env))).sort();

    const cleanUp = async (env: string) => {
        setAsking(undefined);
        setCleaning(env);
        try {
            await api.cleanUp(env);
            notifications.show({message: `Cleaning up the leftovers of ${env}; its progress is in its view`});
        } catch (err) {
            notifications.show({color: 'red', title: `Could not clean up ${env}`, message: message(err)});
        } finally {
            setCleaning(undefined);
        }
    };

    const asked = rows.filter((r) => r.leftover && r.env === asking);
    return (
        <Stack gap="sm" role="main" aria-label="Launches">
            <Group justify="space-between">
                <Title order={2} size="h3">
                    Launches
                </Title>
                <Button variant="default" size="xs" onClick={load} loading={loading}>
                    List again
                </Button>
            </Group>
            {list && (
                <Text size="xs" c="dimmed" data-testid="launches-target">
                    Everything Cloud Control launched in account {list.target.identity.account || 'unknown'}, region{' '}
                    {list.target.region}
                    {list.target.profile ? ` (profile ${list.target.profile})` : ''}
                </Text>
            )}
            {error && (
                <Alert color="red" role="alert" title="The launches could not be listed">
                    <Text size="sm">{error}</Text>
                </Alert>
            )}
            {loading && !list && <Loader size="sm" aria-label="Listing the launches" />}
            {leftEnvs.length > 0 && (
                <Alert color="orange" title="Left behind" data-testid="leftovers-alert">
                    <Stack gap={6}>
                        {leftEnvs.map((env) => {
                            const n = rows.filter((r) => r.leftover && r.env === env).length;
                            return (
                                <Group key={env} justify="space-between" wrap="nowrap">
                                    <Text size="sm">
                                        {n} stack{n === 1 ? '' : 's'} of {env} left behind
                                    </Text>
                                    <Button
                                        size="compact-sm"
                                        color="red.9"
                                        onClick={() => setAsking(env)}
                                        loading={cleaning === env}
                                    >
                                        Clean up {env}
                                    </Button>
                                </Group>
                            );
                        })}
                    </Stack>
                </Alert>
            )}
            {list && rows.length === 0 && (
                <Text size="sm" c="dimmed">
                    Nothing launched here.
                </Text>
            )}
            {rows.length > 0 && (
                <Table.ScrollContainer minWidth={900}>
                    <Table aria-label="Launched instances" striped>
                        <Table.Thead>
                            <Table.Tr>
                                <Table.Th>Environment</Table.Th>
                                <Table.Th>Template</Table.Th>
                                <Table.Th>Name</Table.Th>
                                <Table.Th>Launched by</Table.Th>
                                <Table.Th>Created</Table.Th>
                                <Table.Th>Instance</Table.Th>
                                <Table.Th>State</Table.Th>
                                <Table.Th>Type</Table.Th>
                                <Table.Th>Address</Table.Th>
                                <Table.Th>Per hour</Table.Th>
                                <Table.Th>Stack</Table.Th>
                            </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                            {rows.map((r) => (
                                <Table.Tr
                                    key={r.stackId || r.stack}
                                    data-testid="launch-row"
                                    data-leftover={r.leftover}
                                >
                                    <Table.Td>{r.env}</Table.Td>
                                    <Table.Td>{r.template || '—'}</Table.Td>
                                    <Table.Td>{r.name || '—'}</Table.Td>
                                    <Table.Td title={r.launchedBy}>{who(r.launchedBy) || '—'}</Table.Td>
                                    <Table.Td>{when(r.created) || '—'}</Table.Td>
                                    <Table.Td ff="monospace">{r.instance || '—'}</Table.Td>
                                    <Table.Td>
                                        {r.state || '—'}
                                        {r.progress ? ` (${r.progress.percent}%)` : ''}
                                    </Table.Td>
                                    <Table.Td>{r.type || '—'}</Table.Td>
                                    <Table.Td ff="monospace">{r.dns || r.privateIp || '—'}</Table.Td>
                                    <Table.Td>{r.instance ? quote(r.hourly) : '—'}</Table.Td>
                                    <Table.Td>
                                        <Text size="sm">{r.stack}</Text>
                                        <Text size="xs" c="dimmed">
                                            {r.status}
                                        </Text>
                                        {r.leftover && (
                                            <>
                                                <Badge color="orange.9" size="sm">
                                                    leftover
                                                </Badge>
                                                <Text size="xs" data-testid="leftover-why">
                                                    {r.why || r.reason}
                                                </Text>
                                            </>
                                        )}
                                    </Table.Td>
                                </Table.Tr>
                            ))}
                        </Table.Tbody>
                    </Table>
                </Table.ScrollContainer>
            )}
            <Modal
                opened={!!asking}
                onClose={() => setAsking(undefined)}
                title={`Clean up the leftovers of ${asking}?`}
            >
                <Text size="sm">These stacks are deleted, with whatever they still hold, and waited for:</Text>
                <ul data-testid="cleanup-stacks">
                    {asked.map((r) => (
                        <li key={r.stack}>
                            <Text size="sm">
                                {r.stack} ({r.status}){r.instance ? `, instance ${r.instance}` : ''}
                            </Text>
                        </li>
                    ))}
                </ul>
                <Group justify="flex-end" mt="md">
                    <Button variant="default" onClick={() => setAsking(undefined)} data-autofocus>
                        Keep them
                    </Button>
                    <Button color="red.9" onClick={() => asking && cleanUp(asking)}>
                        Delete the stacks
                    </Button>
                </Group>
            </Modal>
        </Stack>
    );
}
