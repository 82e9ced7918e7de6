import {useCallback, useEffect, useState} from 'react';
import {useApi} from '../api/context';
import {op, type EnvView, type Listed, type Progress} from '../api/types';
import type {InstanceRow} from '../components/InstanceTable';

/** The actions a launch, terminate or clean-up runs as (their progress is a run's). */
const launchActions: string[] = [op.Action.LAUNCH, op.Action.TERMINATE, op.Action.CLEAN_UP];
export const isLaunchRun = (p: Progress | undefined) => !!p && launchActions.includes(p.action);

/** The launch templates an environment has (EnvView.templates: their names). */
export const templatesOf = (e: EnvView | undefined): string[] =>
    (e as {templates?: string[]} | undefined)?.templates ?? [];

/**
 * The window's launching: which environment's launch dialog is open, which launched instance is being
 * asked to terminate, and the leftovers the Go side found (at start, or by a listing), kept from its push.
 */
export function useLaunches() {
    const api = useApi();
    const [launchEnv, setLaunchEnv] = useState<string | undefined>();
    const [terminating, setTerminating] = useState<{env: string; row: InstanceRow} | undefined>();
    const [leftovers, setLeftovers] = useState<Listed[]>([]);

    useEffect(() => {
        let live = true;
        const off = api.onLeftovers((l) => setLeftovers(l ?? []));
        api.leftovers().then(
            (l) => live && setLeftovers((cur) => (cur.length ? cur : (l ?? []))),
            () => {},
        );
        return () => {
            live = false;
            off();
        };
    }, [api]);

    const openLaunch = useCallback((env: string) => setLaunchEnv(env), []);
    const closeLaunch = useCallback(() => setLaunchEnv(undefined), []);
    const askTerminate = useCallback((env: string, row: InstanceRow) => setTerminating({env, row}), []);
    const closeTerminate = useCallback(() => setTerminating(undefined), []);
    return {launchEnv, openLaunch, closeLaunch, terminating, askTerminate, closeTerminate, leftovers};
}
