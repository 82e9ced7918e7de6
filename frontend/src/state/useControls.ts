import {useCallback, useState} from 'react';
import {notifications} from '@mantine/notifications';
import {useApi} from '../api/context';
import {op, type Action, type InstanceAction, type Plan} from '../api/types';
import type {InstanceRow} from '../components/InstanceTable';
import type {Costs} from './useCosts';

export interface PlanFlow {
    env: string;
    action: Action;
    plan?: Plan;
    loading: boolean;
    error?: string;
    confirming: boolean;
}

export interface InstanceFlow {
    row: InstanceRow;
    action: InstanceAction;
    working: boolean;
    error?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The person's actions: plan then run (a resume too: the plan first, then
 * the confirm), cancel, dismiss, per-instance actions. Progress itself, a
 * refusal too, arrives pushed.
 */
export function useControls(costs: Costs) {
    const api = useApi();
    const [planFlow, setPlanFlow] = useState<PlanFlow | undefined>();
    const [instanceFlow, setInstanceFlow] = useState<InstanceFlow | undefined>();
    const [cancelling, setCancelling] = useState<string | undefined>();
    const {get: cost, load: loadCost} = costs;

    const openPlan = useCallback(
        (env: string, action: Action) => {
            setPlanFlow({env, action, loading: true, confirming: false});
            const mine = (f: PlanFlow | undefined) => f && f.env === env && f.action === action;
            api.plan(env, action).then(
                (plan) => setPlanFlow((f) => (mine(f) ? {...f!, plan, loading: false} : f)),
                (err) => setPlanFlow((f) => (mine(f) ? {...f!, error: message(err), loading: false} : f)),
            );
            // The cost panel's figures when it has read them (the same ones); else the cache's at once,
            // which the panel's own read replaces when it comes.
            if (!cost(env)?.report) loadCost(env, 'offline');
        },
        [api, cost, loadCost],
    );

    const confirmPlan = useCallback(async () => {
        const f = planFlow;
        if (!f?.plan) return;
        setPlanFlow({...f, confirming: true});
        try {
            await api.run(f.env, f.action);
            setPlanFlow(undefined);
        } catch (err) {
            setPlanFlow({...f, confirming: false, error: message(err)});
        }
    }, [api, planFlow]);

    const cancel = useCallback(
        async (env: string) => {
            setCancelling(env);
            try {
                await api.cancel(env);
            } catch (err) {
                notifications.show({color: 'red', title: `Could not cancel ${env}`, message: message(err)});
            } finally {
                setCancelling(undefined);
            }
        },
        [api],
    );

    const dismiss = useCallback(
        (env: string) =>
            api
                .dismiss(env)
                .catch((err) =>
                    notifications.show({color: 'red', title: `Could not dismiss ${env}`, message: message(err)}),
                ),
        [api],
    );

    const askInstance = useCallback(
        (row: InstanceRow, action: InstanceAction) => setInstanceFlow({row, action, working: false}),
        [],
    );

    const confirmInstance = useCallback(
        async (env: string) => {
            const f = instanceFlow;
            if (!f) return;
            setInstanceFlow({...f, working: true, error: undefined});
            try {
                await api.instanceAction(env, f.row.id, f.action);
                setInstanceFlow(undefined);
                notifications.show({
                    title: `${f.action} sent`,
                    message: `${f.row.name || f.row.id}: ${f.action} sent to EC2`,
                });
            } catch (err) {
                setInstanceFlow({...f, working: false, error: message(err)});
            }
        },
        [api, instanceFlow],
    );

    return {
        planFlow,
        openPlan,
        closePlan: () => setPlanFlow(undefined),
        retryPlan: () => planFlow && openPlan(planFlow.env, planFlow.action),
        confirmPlan,
        /** Resume shows the plan and asks again: it goes on where the run stopped. */
        resume: (env: string, action: Action) => openPlan(env, action),
        stopLeft: (env: string) => openPlan(env, op.Action.STOP),
        cancel,
        cancelling,
        dismiss,
        instanceFlow,
        askInstance,
        closeInstance: () => setInstanceFlow(undefined),
        confirmInstance,
    };
}
