import {useCallback, useState} from 'react';
import {notifications} from '@mantine/notifications';
import {useApi} from '../api/context';
import type {Action, CostReport, InstanceAction, Plan} from '../api/types';
import type {InstanceRow} from '../components/InstanceTable';

export interface PlanFlow {
    env: string;
    action: Action;
    plan?: Plan;
    loading: boolean;
    error?: string;
    confirming: boolean;
    /** What the environment costs, priced offline (cache and built-in table) so it never slows the plan. */
    cost?: CostReport;
    costError?: string;
}

export interface InstanceFlow {
    row: InstanceRow;
    action: InstanceAction;
    working: boolean;
    error?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The user's actions: plan then run, cancel, resume, per-instance actions. Progress itself, a refusal too, arrives pushed. */
export function useControls() {
    const api = useApi();
    const [planFlow, setPlanFlow] = useState<PlanFlow | undefined>();
    const [instanceFlow, setInstanceFlow] = useState<InstanceFlow | undefined>();
    const [cancelling, setCancelling] = useState<string | undefined>();

    const openPlan = useCallback(
        (env: string, action: Action) => {
            setPlanFlow({env, action, loading: true, confirming: false});
            api.plan(env, action).then(
                (plan) =>
                    setPlanFlow((f) => (f && f.env === env && f.action === action ? {...f, plan, loading: false} : f)),
                (err) =>
                    setPlanFlow((f) =>
                        f && f.env === env && f.action === action ? {...f, error: message(err), loading: false} : f,
                    ),
            );
            api.envCost(env, true).then(
                (cost) => setPlanFlow((f) => (f && f.env === env && f.action === action ? {...f, cost} : f)),
                (err) =>
                    setPlanFlow((f) =>
                        f && f.env === env && f.action === action ? {...f, costError: message(err)} : f,
                    ),
            );
        },
        [api],
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

    const resume = useCallback(
        async (env: string, action: Action) => {
            try {
                await api.run(env, action);
            } catch (err) {
                notifications.show({color: 'red', title: `Could not resume ${env}`, message: message(err)});
            }
        },
        [api],
    );

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
        confirmPlan,
        resume,
        cancel,
        cancelling,
        instanceFlow,
        askInstance: (row: InstanceRow, action: InstanceAction) => setInstanceFlow({row, action, working: false}),
        closeInstance: () => setInstanceFlow(undefined),
        confirmInstance,
    };
}
