// The window's state, folded from Overview() and the pushed events only:
// nothing here polls. A plain reducer, so tests can drive it directly.
import {share} from '../lib/share';
import type {EnvView, Overview, Plan, RunEvent, RunView, SettingsView} from '../api/types';
import {applyEvent, applyProgress, initRun, outlineFromStages, type PlanLike, type RunState} from '../lib/run';

export type Run = RunState<RunEvent>;

export interface DashboardState {
    loaded: boolean;
    error?: string;
    sandbox: boolean;
    sandboxUrl: string;
    trayAvailable: boolean;
    folders: string[];
    /** Why the settings file cannot be read (damaged); nothing is saved until it is fixed. */
    settingsProblem?: string;
    envs: EnvView[];
    /** This window's view of the current or last run of each environment. */
    runs: Record<string, Run>;
}

export type DashboardAction =
    | {type: 'overview'; overview: Overview}
    | {type: 'failed'; error: string}
    | {type: 'envs'; envs: EnvView[]}
    | {type: 'event'; event: RunEvent}
    | {type: 'progress'; run: RunView}
    | {type: 'seed'; plan: Plan}
    | {type: 'replay'; env: string; events: RunEvent[]; run: RunView}
    | {type: 'settings'; settings: SettingsView};

export const initialDashboard: DashboardState = {
    loaded: false,
    sandbox: false,
    sandboxUrl: '',
    trayAvailable: false,
    folders: [],
    envs: [],
    runs: {},
};

function outline(s: DashboardState, env: string, action: string): PlanLike {
    const e = s.envs.find((x) => x.name === env);
    return outlineFromStages(env, action, e?.stages ?? []);
}

/** The run a pushed event or summary belongs to: the known one, or a new one outlined from the dashboard. */
function runFor(s: DashboardState, env: string, action: string, fresh: boolean): Run {
    const cur = s.runs[env];
    if (cur && cur.action === action && !(fresh && cur.status !== 'running' && cur.status !== 'failed')) return cur;
    return initRun<RunEvent>(outline(s, env, action));
}

export function dashboardReducer(s: DashboardState, a: DashboardAction): DashboardState {
    switch (a.type) {
        case 'overview':
            return {
                ...s,
                loaded: true,
                error: undefined,
                sandbox: a.overview.sandbox,
                sandboxUrl: a.overview.sandboxUrl,
                trayAvailable: a.overview.trayAvailable,
                folders: a.overview.folders ?? [],
                settingsProblem: a.overview.settingsProblem || undefined,
                envs: share(s.envs, a.overview.environments ?? []),
            };
        case 'failed':
            return {...s, loaded: true, error: a.error};
        case 'envs':
            // Unchanged environments, stages and instances stay the same
            // objects, so a refresh does not re-render what it did not change.
            return {...s, envs: share(s.envs, a.envs ?? [])};
        case 'settings':
            return {...s, folders: a.settings.folders ?? [], settingsProblem: a.settings.problem || undefined};
        case 'seed':
            // The user confirmed this plan: its stages and instances frame the progress.
            return {...s, runs: {...s.runs, [a.plan.env]: initRun<RunEvent>(a.plan)}};
        case 'event': {
            const ev = a.event;
            // A run-started after a finished run is a new run (or a resume of a failed one).
            const base = runFor(s, ev.env, ev.action, ev.type === 'run-started');
            return {...s, runs: {...s.runs, [ev.env]: applyEvent(base, ev)}};
        }
        case 'progress': {
            const base = runFor(s, a.run.env, a.run.action, false);
            return {...s, runs: {...s.runs, [a.run.env]: applyProgress(base, a.run)}};
        }
        case 'replay': {
            let r = initRun<RunEvent>(outline(s, a.env, a.run.action));
            for (const ev of a.events) r = applyEvent(r, ev);
            r = applyProgress(r, a.run);
            return {...s, runs: {...s.runs, [a.env]: r}};
        }
    }
}
