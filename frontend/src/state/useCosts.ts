import {useCallback, useRef, useState} from 'react';
import {useApi} from '../api/context';
import type {CostReport} from '../api/types';

/** One environment's cost figures as the window last read them. */
export interface CostEntry {
    report?: CostReport;
    error?: string;
    loading: boolean;
}

/** How to read them: from the Price List API, the cache only, or the Price List again. */
export type CostRead = 'online' | 'offline' | 'refresh';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The environments' cost figures, one read per environment shared by the
 * cost panel and the plan dialog, so both say the same per-hour figure.
 * Only the latest read of an environment is kept (a state change or a
 * refresh may overtake an older one).
 */
export function useCosts() {
    const api = useApi();
    const [entries, setEntries] = useState<Record<string, CostEntry>>({});
    const latest = useRef<Record<string, number>>({});
    const seq = useRef(0);

    const load = useCallback(
        (env: string, how: CostRead) => {
            const n = ++seq.current;
            latest.current[env] = n;
            setEntries((m) => ({...m, [env]: {...m[env], loading: true}}));
            const call = how === 'refresh' ? api.refreshPrices(env) : api.envCost(env, how === 'offline');
            const settle = (next: Partial<CostEntry>) =>
                latest.current[env] === n && setEntries((m) => ({...m, [env]: {...m[env], ...next, loading: false}}));
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
