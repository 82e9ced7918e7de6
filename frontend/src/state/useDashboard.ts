import {useEffect, useReducer} from 'react';
import {useApi} from '../api/context';
import {markRenderStart} from '../lib/perf';
import {dashboardReducer, initialDashboard} from './dashboard';

/** Loads the overview once, then follows the pushed events until unmounted. */
export function useDashboard() {
    const api = useApi();
    const [state, dispatch] = useReducer(dashboardReducer, initialDashboard);

    useEffect(() => {
        let live = true;
        const offs = [
            api.onEnvs((envs) => dispatch({type: 'envs', envs})),
            api.onRunEvent((event) => dispatch({type: 'event', event})),
            api.onRunProgress((run) => dispatch({type: 'progress', run})),
            api.onSettings((settings) => dispatch({type: 'settings', settings})),
        ];
        api.overview()
            .then(async (overview) => {
                if (!live) return;
                // The first environment's cc:env-render measure runs from here
                // to its view's commit (a click marks the later ones).
                markRenderStart();
                dispatch({type: 'overview', overview});
                // Catch up on the activity log of runs under way (or just ended) before this window opened.
                for (const p of overview.runs ?? []) {
                    const events = await api.runLog(p.env).catch(() => []);
                    if (live) dispatch({type: 'replay', env: p.env, events: events ?? []});
                }
            })
            .catch((err) => live && dispatch({type: 'failed', error: String(err)}));
        return () => {
            live = false;
            offs.forEach((off) => off());
        };
    }, [api]);

    return {state, dispatch};
}
