import {Alert, Badge, Button, Group, Loader, Modal, ScrollArea, Stack, Table, Text} from '@mantine/core';
import {op, type Action, type CostReport, type Plan, type PlanStage} from '../api/types';
import {missing, money} from '../lib/cost';
import {duration} from '../lib/format';
import {doText, gateText} from '../lib/plan';
import {StateBadge} from './StateBadge';

interface Props {
    opened: boolean;
    env: string;
    action: Action;
    plan?: Plan;
    loading: boolean;
    error?: string;
    sandbox: boolean;
    confirming?: boolean;
    cost?: CostReport;
    costError?: string;
    onConfirm: () => void;
    onClose: () => void;
}

const verb = (a: Action) => (a === op.Action.START ? 'Start' : 'Stop');

/** The plan, shown before anything is done, with an explicit confirm button. */
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
    costError,
    onConfirm,
    onClose,
}: Props) {
    const blocked = !plan || (plan.errors?.length ?? 0) > 0;
    return (
        <Modal
            opened={opened}
            onClose={onClose}
            size="xl"
            title={`${verb(action)} ${env}?`}
            scrollAreaComponent={ScrollArea.Autosize}
        >
            {loading && (
                <Group gap="xs" role="status">
                    <Loader size="sm" /> <Text size="sm">Reading the plan…</Text>
                </Group>
            )}
            {error && (
                <Alert color="red" title="No plan" role="alert">
                    {error}
                </Alert>
            )}
            {plan && <PlanBody plan={plan} sandbox={sandbox} />}
            {plan && <PlanCost action={action} cost={cost} error={costError} />}
            <Group justify="flex-end" mt="md">
                <Button variant="default" onClick={onClose}>
                    Close
                </Button>
                <Button
                    color={action === op.Action.STOP ? 'red' : 'green'}
                    onClick={onConfirm}
                    disabled={blocked || loading}
                    loading={confirming}
                    data-autofocus
                >
                    {`Confirm ${action}`}
                </Button>
            </Group>
        </Modal>
    );
}

/** The profile name of keys taken from AWS_ACCESS_KEY_ID (cloud.EnvCredentials): no profile applies. */
const envCredentials = '(environment)';

function PlanBody({plan, sandbox}: {plan: Plan; sandbox: boolean}) {
    const instances = plan.stages.reduce((n, s) => n + (s.instances?.length ?? 0), 0);
    return (
        <Stack gap="sm" data-testid="plan">
            <Alert color={sandbox ? 'orange' : 'blue'} variant="light" role="note" data-testid="plan-target">
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
                    {sandbox ? (
                        <Badge ml="xs" color="orange" size="sm">
                            Sandbox
                        </Badge>
                    ) : null}
                </Text>
            </Alert>
            <Text size="sm" data-testid="plan-summary">
                {plan.stages.length} stages, {instances} instances; expected to take about{' '}
                <b>{duration(plan.expectedSeconds)}</b>.{' '}
                {Object.entries(plan.counts ?? {})
                    .map(([k, n]) => `${n} ${k}`)
                    .join(', ')}
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
            <ol aria-label="Stages in order" style={{margin: 0, paddingLeft: 20}}>
                {plan.stages.map((s) => (
                    <PlanStageItem key={s.name} stage={s} />
                ))}
            </ol>
        </Stack>
    );
}

/** What starting costs per hour, or what stopping saves. */
export function PlanCost({action, cost, error}: {action: Action; cost?: CostReport; error?: string}) {
    let text: string;
    let why = '';
    if (error) text = `Cost unknown: ${error}`;
    else if (!cost) text = 'Pricing…';
    else if (action === op.Action.START) {
        const e = cost.estimate;
        text = `Running costs ${money(e.hourlyWhileRunning)} per hour (overnight ${money(e.overnight.cost)}, a weekend ${money(e.weekend.cost)}).`;
        why = missing(e.hourlyWhileRunning);
    } else {
        const e = cost.estimate;
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

function PlanStageItem({stage}: {stage: PlanStage}) {
    return (
        <li aria-label={`Stage ${stage.name}`} style={{marginBottom: 12}}>
            <Group gap="xs">
                <Text fw={600}>{stage.name}</Text>
                {stage.after?.length ? (
                    <Text size="xs" c="dimmed">
                        after {stage.after.join(', ')}
                    </Text>
                ) : null}
                <Text size="xs" c="dimmed">
                    ~{duration(stage.expectedSeconds)}
                    {stage.expectedFrom === 'last run' ? ' as last time' : ''} (done by{' '}
                    {duration(stage.expectedDoneSeconds)}), timeout {duration(stage.timeoutSeconds)}
                </Text>
            </Group>
            <Text size="xs">Gates: {stage.gates?.length ? stage.gates.map(gateText).join(' → ') : 'none'}</Text>
            <Table fz="xs" withRowBorders={false} verticalSpacing={2}>
                <Table.Tbody>
                    {(stage.instances ?? []).map((i) => (
                        <Table.Tr key={i.id}>
                            <Table.Td>{i.name || '—'}</Table.Td>
                            <Table.Td ff="monospace">{i.id}</Table.Td>
                            <Table.Td>{i.type}</Table.Td>
                            <Table.Td>
                                <StateBadge state={i.state} size="xs" />
                            </Table.Td>
                            <Table.Td data-do={i.do}>{doText[i.do] ?? i.do}</Table.Td>
                        </Table.Tr>
                    ))}
                </Table.Tbody>
            </Table>
        </li>
    );
}
