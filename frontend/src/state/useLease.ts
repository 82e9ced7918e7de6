import {useCallback, useState, useSyncExternalStore} from 'react';
import {useApi} from '../api/context';
import type {Api} from '../api/api';
import type {Deployment, LeaseResult} from '../api/types';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One environment's read of what is deployed: never read, being read, read, or failed. */
export interface DeployedRead {
    deployment?: Deployment;
    loading: boolean;
    error?: string;
}

const none: DeployedRead = {loading: false};

/**
 * What is deployed, per environment, shared by the views that show it (the
 * section, the header's next start/stop, the start dialog's lease choice):
 * read once on demand, not on every poll (it costs three AWS calls).
 */
class DeployedStore {
    private reads = new Map<string, DeployedRead>();
    private listeners = new Set<() => void>();
    constructor(private api: Api) {}

    subscribe = (cb: () => void) => {
        this.listeners.add(cb);
        return () => void this.listeners.delete(cb);
    };
    get = (env: string): DeployedRead => this.reads.get(env) ?? none;
    private set(env: string, r: DeployedRead) {
        this.reads.set(env, r);
        this.listeners.forEach((cb) => cb());
    }
    /** Reads AWS again; a read already under way is not doubled. */
    read = (env: string) => {
        const was = this.get(env);
        if (was.loading) return;
        this.set(env, {...was, loading: true});
        this.api.deployed(env).then(
            (deployment) => this.set(env, {deployment, loading: false}),
            (err) => this.set(env, {deployment: was.deployment, loading: false, error: message(err)}),
        );
    };
    /** Reads only what was never read. */
    ensure = (env: string) => {
        const r = this.get(env);
        if (!r.deployment && !r.loading && !r.error) this.read(env);
    };
    /** After a lease change, what was read (its lease schedule) is read again. */
    changed = (env: string) => {
        if (this.get(env).deployment) this.read(env);
    };
}

const stores = new WeakMap<Api, DeployedStore>();
function storeOf(api: Api): DeployedStore {
    let s = stores.get(api);
    if (!s) stores.set(api, (s = new DeployedStore(api)));
    return s;
}

/** What is deployed for env, as last read, with read (again) and ensure (read once). */
export function useDeployed(env: string) {
    const store = storeOf(useApi());
    const read = useSyncExternalStore(store.subscribe, () => store.get(env));
    return {
        ...read,
        refresh: useCallback(() => store.read(env), [store, env]),
        ensure: useCallback(() => store.ensure(env), [store, env]),
        /** Reads again only what was read (a lease moved its schedule). */
        changed: useCallback(() => store.changed(env), [store, env]),
    };
}

export type LeaseChange = 'lease' | 'extend' | 'end';

/** Sets, extends and ends env's lease; the last result (or why it was refused) stays to be shown. */
export function useLease(env: string) {
    const api = useApi();
    const store = storeOf(api);
    const [working, setWorking] = useState<LeaseChange | undefined>();
    const [result, setResult] = useState<{change: LeaseChange; lease: LeaseResult} | undefined>();
    const [error, setError] = useState<string | undefined>();

    const change = useCallback(
        async (what: LeaseChange, call: () => Promise<LeaseResult>) => {
            setWorking(what);
            setError(undefined);
            try {
                const lease = await call();
                setResult({change: what, lease});
                store.changed(env);
                return true;
            } catch (err) {
                setError(message(err));
                return false;
            } finally {
                setWorking(undefined);
            }
        },
        [store, env],
    );

    return {
        working,
        result,
        error,
        lease: (seconds: number) => change('lease', () => api.lease(env, seconds)),
        extend: (seconds: number) => change('extend', () => api.extendLease(env, seconds)),
        end: () => change('end', () => api.endLease(env)),
        clear: () => {
            setResult(undefined);
            setError(undefined);
        },
    };
}
