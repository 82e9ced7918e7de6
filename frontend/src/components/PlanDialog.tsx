import {Fragment, useState} from 'react';
import {Alert, Badge, Button, Group, Loader, Modal, Stack, Table, Text} from '@mantine/core';
import {op, type Action, type Plan, type PlanCheck, type PlanInstance, type PlanStage} from '../api/types';
import type {CostEntry} from '../state/useCosts';
import {missing, money} from '../lib/cost';
import {duration} from '../lib/format';
import {doText} from '../lib/plan';
import {StateBadge} from './StateBadge';
import {LeaseChoice, type LeaseValue} from './lease/LeaseChoice';
import classes from './PlanDialog.module.css';

interface Props {
    opened: boolean;
    env: string;
    action: Action;
    plan?: Plan;
    loading: boolean;
    error?: string;
    sandbox: boolean;
    confirming?: boolean;
    /** The environment's cost figures: the same read the cost panel shows. */
    cost?: CostEntry;
    /** A start's lease, when one was chosen (seconds): the start is then StartWithLease. */
    onConfirm: (leaseSeconds?: number) => void;
    onRetry: () => void;
    onClose: () => void;
}

const verb = (a: Action) => (a === op.Action.START ? 'Start' : 'Stop');

/** The plan, shown before anything is done, with an explicit confirm button that stays in view. */
export function PlanDialog({
    opened,
    env,
    action,
    plan,
    loading,
    error,
    sandbox,
    confirming,
    cost,
    onConfirm,
    onRetry,
    onClose,
}: Props) {
    const [lease, setLease] = useState<LeaseValue>({});
    const starting = action === op.Action.START;
    const blocked = !plan || (plan.errors?.length ?? 0) > 0 || (starting && !!lease.error);
    return (
        <Modal
            opened={opened}
            onClose={onClose}
            size="xl"
            title={`${verb(action)} ${env}?`}
            classNames={{body: classes.body}}
        >
            {loading && (
                <Group gap="xs" role="status">
                    <Loader size="sm" /> <Text size="sm">Reading the plan from AWS…</Text>
                </Group>
            )}
            {error && (
                <Alert color="red" title="The plan could not be read" role="alert" data-testid="plan-error">
                    <Text size="sm">{error}</Text>
                    <Text size="xs" mt={4}>
                        Nothing was started or stopped. Retry reads AWS again.
                    </Text>
                </Alert>
            )}
            {plan && <PlanBody plan={plan} sandbox={sandbox} />}
            {plan && <PlanCost action={action} cost={cost} />}
            {plan && starting && <LeaseChoice env={env} onChange={setLease} />}
            <Group justify="flex-end" className={classes.footer} data-testid="plan-footer">
                <Button variant="default" onClick={onClose}>
                    Close
                </Button>
                {error ? (
                    <Button onClick={onRetry} data-autofocus>
                        Retry
                    </Button>
                ) : (
                    <Button
                        color={action === op.Action.STOP ? 'red.9' : 'teal.9'}
                        onClick={() => onConfirm(starting ? lease.seconds : undefined)}
                        disabled={blocked || loading}
                        loading={confirming}
                        data-autofocus
                    >
                        {`Confirm ${action}`}
                    </Button>
                )}
            </Group>
        </Modal>
    );
}

/** The profile name of keys taken from AWS_ACCESS_KEY_ID (cloud.EnvCredentials): no profile applies. */
const envCredentials = '(environment)';

function Target({plan, sandbox}: {plan: Plan; sandbox: boolean}) {
    const as = plan.caller ? (
        <>
            {' '}
            as <code>{plan.caller}</code>
        </>
    ) : null;
    if (sandbox) {
        return (
            <Text size="sm">
                Acts on the sandbox&apos;s own account <b>{plan.account || 'unknown'}</b> in region <b>{plan.region}</b>
                {as}: nothing here touches a real account.{' '}
                <Badge component="span" ml={4} color="orange" size="sm">
                    Sandbox
                </Badge>
            </Text>
        );
    }
    return (
        <Text size="sm">
            Acts on account <b>{plan.account || 'unknown'}</b> in region <b>{plan.region}</b>
            {plan.profile === envCredentials ? (
                <> with the keys in the environment variables</>
            ) : plan.profile ? (
                <>
                    {' '}
                    with profile <b>{plan.profile}</b>
                </>
            ) : null}
            {as}
        </Text>
    );
}

function PlanBody({plan, sandbox}: {plan: Plan; sandbox: boolean}) {
    const instances = plan.stages.reduce((n, s) => n + (s.instances?.length ?? 0), 0);
    return (
        <Stack gap="sm" data-testid="plan">
            <Alert color={sandbox ? 'orange' : 'blue'} variant="light" role="note" data-testid="plan-target" py="xs">
                <Target plan={plan} sandbox={sandbox} />
            </Alert>
            <Text size="sm" data-testid="plan-summary">
                <b>{plan.summary || 'nothing to do'}</b>: {plan.stages.length} stages, {instances} instances; expected
                to take about <b>{duration(plan.expectedSeconds)}</b>.
            </Text>
            {plan.errors?.map((e) => (
                <Alert key={e} color="red" role="alert" title="Cannot run">
                    {e}
                </Alert>
            ))}
            {plan.warnings?.map((w) => (
                <Alert key={w} color="yellow" title="Warning" role="note">
                    {w}
                </Alert>
            ))}
            <Table fz="xs" verticalSpacing={3} aria-label="Stages in order" className={classes.table}>
                <Table.Thead>
                    <Table.Tr>
                        <Table.Th>Instance</Table.Th>
                        <Table.Th>ID</Table.Th>
                        <Table.Th>Type</Table.Th>
                        <Table.Th>Now</Table.Th>
                        <Table.Th>What happens</Table.Th>
                        <Table.Th>Checked</Table.Th>
                    </Table.Tr>
                </Table.Thead>
                {plan.stages.map((s, i) => (
                    <PlanStageRows key={s.name} stage={s} n={i + 1} />
                ))}
            </Table>
        </Stack>
    );
}

/** What starting costs per hour, or what stopping saves: the cost panel's own figures. */
export function PlanCost({action, cost}: {action: Action; cost?: CostEntry}) {
    let text: string;
    let why = '';
    const e = cost?.report?.estimate;
    if (cost?.error && !e) text = `Cost unknown: ${cost.error}`;
    else if (!e) text = 'Pricing…';
    else if (action === op.Action.START) {
        text = `Running costs ${money(e.hourlyWhileRunning)} per hour (overnight ${money(e.overnight.cost)}, a weekend ${money(e.weekend.cost)}).`;
        why = missing(e.hourlyWhileRunning);
    } else {
        text = `Stopping saves ${money(e.hourlyNow)} per hour; stopped, it costs ${money(e.stoppedMonthly)} per month.`;
        why = missing(e.stoppedMonthly) || missing(e.hourlyNow);
    }
    return (
        <Text size="sm" mt="sm" data-testid="plan-cost" title={why || undefined}>
            {text}
            {why ? (
                <Text span size="xs" c="orange">
                    {' '}
                    {why}
                </Text>
            ) : null}
        </Text>
    );
}

function PlanStageRows({stage, n}: {stage: PlanStage; n: number}) {
    const delay = stage.gates?.find((g) => g.kind === 'delay');
    const facts = [
        stage.after?.length ? `after ${stage.after.join(', ')}` : 'first',
        `about ${duration(stage.expectedSeconds)}${stage.expectedFrom === 'last run' ? ' (as last time)' : ''}`,
        `done by ${duration(stage.expectedDoneSeconds)}`,
        `times out after ${duration(stage.timeoutSeconds)}`,
        delay ? `then settles ${duration(delay.delaySeconds ?? 0)}` : '',
    ].filter(Boolean);
    return (
        <Table.Tbody aria-label={`Stage ${stage.name}`} data-testid={`plan-stage-${stage.name}`}>
            <Table.Tr className={classes.stage}>
                <Table.Td colSpan={6}>
                    <Text span fw={700} size="sm">
                        {n}. {stage.name}
                    </Text>{' '}
                    <Text span size="xs" c="dimmed">
                        {facts.join(' · ')}
                    </Text>
                </Table.Td>
            </Table.Tr>
            {(stage.instances ?? []).map((i) => (
                <InstanceRow key={i.id} i={i} />
            ))}
        </Table.Tbody>
    );
}

/** A check as it will be made: "tcp 10.0.0.5:5432", "http http://10.0.0.5:8080/health", "running". */
export function checkText(c: PlanCheck): string {
    if (!c.address) return c.gate;
    const kind = c.gate.split(' ')[0];
    return `${kind} ${c.address}`;
}

function InstanceRow({i}: {i: PlanInstance}) {
    return (
        <Table.Tr>
            <Table.Td>{i.name || '—'}</Table.Td>
            <Table.Td ff="monospace">{i.id}</Table.Td>
            <Table.Td>{i.type}</Table.Td>
            <Table.Td>
                <StateBadge state={i.state} size="sm" />
            </Table.Td>
            <Table.Td data-do={i.do}>{doText[i.do] ?? i.do}</Table.Td>
            <Table.Td data-testid="plan-checks">
                {(i.checks ?? []).map((c, k) => (
                    <Fragment key={c.gate}>
                        {k > 0 && ', '}
                        <span title={c.address ? c.gate : undefined}>{checkText(c)}</span>
                    </Fragment>
                ))}
            </Table.Td>
        </Table.Tr>
    );
}
