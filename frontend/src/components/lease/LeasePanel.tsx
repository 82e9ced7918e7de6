import {useState} from 'react';
import {Alert, Button, Group, List, Modal, Select, Stack, Text} from '@mantine/core';
import type {LeaseResult, Who} from '../../api/types';
import {useLease, type LeaseChange} from '../../state/useLease';
import {clock} from '../../lib/format';
import {extendPresets, keptByText, leaseEnd, leasePresets, leaseScope, parseLease, when} from '../../lib/lease';
import {LeaseCountdown} from './WhoLine';
import {LengthInput} from './LengthInput';

interface Props {
    env: string;
    who?: Who;
    now: number;
    /** Why nothing can be changed now (a run holds it, the file is broken); "" when it can. */
    blocked: string;
}

const lengths = [...leasePresets, {value: 'custom', label: 'Custom…'}];

/**
 * A running environment's lease: set one, extend it (+1 h, +2 h), end it (asked first), and
 * what the last change did: until when, by whom, whether AWS or only this app stops it then.
 */
export function LeasePanel({env, who, now, blocked}: Props) {
    const l = useLease(env);
    const [length, setLength] = useState('7200');
    const [custom, setCustom] = useState('');
    const [asking, setAsking] = useState(false);
    const until = leaseEnd(who);
    const leased = !Number.isNaN(until) && until > now;
    const scope = leaseScope(who);
    const parsed = length === 'custom' ? parseLease(custom) : {seconds: Number(length)};
    const disabled = !!blocked || !!l.working;

    return (
        <section aria-label="Lease" data-testid="lease-panel">
            <Group gap="sm" wrap="wrap" align="flex-end">
                <Stack gap={2} style={{flex: 1, minWidth: 220}}>
                    <Text fw={700} size="sm">
                        Lease
                    </Text>
                    <Text size="sm" data-testid="lease-now">
                        {leased ? (
                            <>
                                Leased until <b>{clock(who?.leaseUntil)}</b>
                                {who?.leaseByName ? ` by ${who.leaseByName}` : ''}
                                {scope ? `, ${scope}` : ''}: <LeaseCountdown env={env} until={until} now={now} />
                            </>
                        ) : (
                            'No lease: it runs until someone stops it.'
                        )}
                    </Text>
                </Stack>
                {leased ? (
                    <Group gap="xs" wrap="nowrap">
                        {extendPresets.map((p) => (
                            <Button
                                key={p.seconds}
                                size="xs"
                                variant="default"
                                disabled={disabled}
                                loading={l.working === 'extend'}
                                onClick={() => l.extend(p.seconds)}
                            >
                                Extend {p.label}
                            </Button>
                        ))}
                        <Button
                            size="xs"
                            variant="default"
                            color="red.9"
                            disabled={disabled}
                            loading={l.working === 'end'}
                            onClick={() => setAsking(true)}
                        >
                            End lease
                        </Button>
                    </Group>
                ) : (
                    <Group gap="xs" wrap="nowrap" align="flex-end">
                        <Select
                            size="xs"
                            w={110}
                            label="Length"
                            data={lengths}
                            value={length}
                            onChange={(v) => v && setLength(v)}
                            allowDeselect={false}
                            disabled={disabled}
                        />
                        {length === 'custom' && (
                            <LengthInput
                                label="Custom length"
                                w={130}
                                placeholder="90m, 1d 4h"
                                value={custom}
                                onChange={setCustom}
                                disabled={disabled}
                            />
                        )}
                        <Button
                            size="xs"
                            color="teal.9"
                            disabled={disabled || parsed.seconds === undefined}
                            loading={l.working === 'lease'}
                            onClick={() => parsed.seconds !== undefined && l.lease(parsed.seconds)}
                        >
                            Set lease
                        </Button>
                    </Group>
                )}
            </Group>
            {blocked && (
                <Text size="xs" c="dimmed" mt={4}>
                    {blocked}
                </Text>
            )}
            {l.error && (
                <Alert color="red" variant="light" py={6} mt={6} role="alert" data-testid="lease-error">
                    The lease was not changed: {l.error}
                </Alert>
            )}
            {l.result && !l.error && <LeaseOutcome change={l.result.change} r={l.result.lease} />}
            <Modal opened={asking} onClose={() => setAsking(false)} title={`End the lease of ${env}?`}>
                <Text size="sm">
                    Its instances keep running with no lease: nothing stops them at{' '}
                    {clock(who?.leaseUntil) || 'the end'}
                    {who?.leaseByName ? ` (${who.leaseByName}'s lease)` : ''}, and the lease's schedule in AWS is
                    removed.
                </Text>
                <Group justify="flex-end" mt="md">
                    <Button variant="default" onClick={() => setAsking(false)}>
                        Keep the lease
                    </Button>
                    <Button
                        color="red.9"
                        data-autofocus
                        onClick={() => {
                            setAsking(false);
                            void l.end();
                        }}
                    >
                        End lease
                    </Button>
                </Group>
            </Modal>
        </section>
    );
}

const done: Record<LeaseChange, string> = {lease: 'Lease set', extend: 'Lease extended', end: 'Lease ended'};

/** What the last change did, in full. */
function LeaseOutcome({change, r}: {change: LeaseChange; r: LeaseResult}) {
    const previous =
        r.previousByName && r.previousByName !== r.byName
            ? `It was ${r.previousByName}'s lease${r.previousUntil ? `, until ${when(r.previousUntil)}` : ''}.`
            : '';
    const app = r.keptBy === 'app';
    return (
        <Alert
            color={app ? 'orange' : 'teal'}
            variant="light"
            py={6}
            mt={6}
            role="status"
            title={done[change]}
            data-testid="lease-result"
            data-kept-by={r.keptBy || undefined}
        >
            <Stack gap={2}>
                {r.until ? (
                    <Text size="sm">
                        Until <b>{when(r.until)}</b>
                        {r.byName ? `, by ${r.byName}` : ''}
                        {r.instances?.length ? ` (${r.instances.length} instances)` : ''}.
                    </Text>
                ) : (
                    <Text size="sm">{r.message}</Text>
                )}
                {r.keptBy && (
                    <Text size="sm" fw={app ? 700 : undefined} data-testid="lease-kept-by">
                        {keptByText(r.keptBy, r.schedule)}
                    </Text>
                )}
                {previous && (
                    <Text size="sm" data-testid="lease-previous">
                        {previous}
                    </Text>
                )}
                {r.notes?.length ? (
                    <List size="xs" data-testid="lease-notes">
                        {r.notes.map((n) => (
                            <List.Item key={n}>{n}</List.Item>
                        ))}
                    </List>
                ) : null}
            </Stack>
        </Alert>
    );
}
