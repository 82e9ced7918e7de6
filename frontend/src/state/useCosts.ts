import {useCallback, useRef, useState} from 'react';
import {useApi} from '../api/context';
import type {CostReport} from '../api/types';

/** One environment's cost figures as the window last read them. */
export interface CostEntry {
    report?: CostReport;
    /** The report is from the Price List API (or the cache refreshed from it), not the cache alone. */
    online?: boolean;
    error?: string;
    loading: boolean;
}

/** How to read them: from the Price List API, the cache only, or the Price List again. */
export type CostRead = 'online' | 'offline' | 'refresh';

type Kind = 'priceList' | 'cache';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The environments' cost figures, one entry per environment shared by the
 * cost panel and the plan dialog, so both say the same per-hour figure.
 * Only the latest read of each kind counts (a state change or a refresh
 * may overtake an older one), and a read of the cache alone never replaces
 * one from the Price List API: the plan dialog may read the cache at once
 * while the panel's read is on its way, and the panel's answer wins.
 */
export function useCosts() {
    const api = useApi();
    const [entries, setEntries] = useState<Record<string, CostEntry>>({});
    // Per environment, the latest read of each kind and whether it is still on its way.
    const latest = useRef<Record<string, Partial<Record<Kind, {n: number; pending: boolean}>>>>({});
    const seq = useRef(0);

    const load = useCallback(
        (env: string, how: CostRead) => {
            const kind: Kind = how === 'offline' ? 'cache' : 'priceList';
            const read = {n: ++seq.current, pending: true};
            latest.current[env] = {...latest.current[env], [kind]: read};
            setEntries((m) => ({...m, [env]: {...m[env], loading: true}}));
            const call = how === 'refresh' ? api.refreshPrices(env) : api.envCost(env, how === 'offline');
            const settle = (next: Partial<CostEntry>) => {
                const reads = latest.current[env];
                if (reads?.[kind] !== read) return;
                read.pending = false;
                setEntries((m) => {
                    const was = m[env];
                    // The cache's answer (or failure) says nothing once the Price List's is in.
                    if (kind === 'cache' && was?.online) return m;
                    const online = kind === 'priceList' ? !!next.report || !!was?.online : false;
                    const loading = !!reads.priceList?.pending || (!!reads.cache?.pending && !online);
                    return {...m, [env]: {...was, ...next, online, loading}};
                });
            };
            call.then(
                (report) => settle({report, error: undefined}),
                (err) => settle({error: message(err)}),
            );
        },
        [api],
    );

    const get = useCallback((env: string): CostEntry | undefined => entries[env], [entries]);
    return {get, load};
}

export type Costs = ReturnType<typeof useCosts>;
