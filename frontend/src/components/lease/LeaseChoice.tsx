import {useEffect, useState} from 'react';
import {Alert, Group, Loader, SegmentedControl, Stack, Text} from '@mantine/core';
import {useDeployed} from '../../state/useLease';
import {LengthInput} from './LengthInput';
import {awsKeeps, leaseLength, leasePresets, parseLease} from '../../lib/lease';

/** The choice made: no lease, a length, or a custom length that does not parse (error: nothing may start). */
export interface LeaseValue {
    seconds?: number;
    error?: string;
}

const choices = [{value: 'none', label: 'No lease'}, ...leasePresets, {value: 'custom', label: 'Custom'}];

/**
 * The start dialog's lease: how long it may run before it is stopped, and who will stop it then
 * (AWS, when the stop runbook is deployed; else only this app while it is open).
 */
export function LeaseChoice({env, onChange}: {env: string; onChange: (v: LeaseValue) => void}) {
    const [choice, setChoice] = useState('none');
    const [custom, setCustom] = useState('');
    const deployed = useDeployed(env);
    const {ensure} = deployed;
    useEffect(() => ensure(), [ensure]);

    const parsed = choice === 'custom' ? parseLease(custom) : undefined;
    const seconds = choice === 'none' ? undefined : choice === 'custom' ? parsed?.seconds : Number(choice);
    const error = choice === 'custom' ? parsed?.error : undefined;
    useEffect(() => onChange({seconds, error}), [seconds, error, onChange]);

    return (
        <Stack gap={6} mt="sm" data-testid="lease-choice">
            <Group gap="sm" align="center" wrap="wrap">
                <Text size="sm" fw={700} id="lease-choice-label">
                    Lease
                </Text>
                <SegmentedControl
                    size="xs"
                    aria-labelledby="lease-choice-label"
                    data={choices}
                    value={choice}
                    onChange={setChoice}
                />
            </Group>
            {choice === 'custom' && (
                <LengthInput
                    label="Lease length"
                    w={260}
                    description="1 minute to 7 days: 90m, 3h, 1d 4h"
                    value={custom}
                    onChange={setCustom}
                />
            )}
            <Text size="xs" c="dimmed" data-testid="lease-choice-text">
                {seconds === undefined
                    ? 'It runs until someone stops it.'
                    : `Stopped ${leaseLength(seconds)} after the start, unless the lease is extended.`}
            </Text>
            {seconds !== undefined && <KeptBy env={env} read={deployed} />}
        </Stack>
    );
}

function KeptBy({env, read}: {env: string; read: ReturnType<typeof useDeployed>}) {
    if (read.loading && !read.deployment)
        return (
            <Group gap={6} role="status">
                <Loader size={12} aria-label="Reading what is deployed" />
                <Text size="xs">Reading what is deployed in AWS…</Text>
            </Group>
        );
    if (awsKeeps(read.deployment))
        return (
            <Alert color="teal" variant="light" py={6} role="note" data-testid="lease-kept-by" data-kept-by="aws">
                <Text size="sm">
                    AWS will stop it at the end: the deployed stop runbook runs from a one-time schedule, also with this
                    app closed and every laptop shut.
                </Text>
            </Alert>
        );
    return (
        <Alert color="orange" variant="light" py={6} role="note" data-testid="lease-kept-by" data-kept-by="app">
            <Text size="sm">
                Only this app will stop it at the end, and only while it is open: with the app closed nothing stops it.{' '}
                {read.error ? (
                    <>What is deployed could not be read ({read.error}).</>
                ) : (
                    <>
                        For AWS to keep the lease, deploy the runbooks: <code>cloudcontrol env deploy {env}</code>.
                    </>
                )}
            </Text>
        </Alert>
    );
}
