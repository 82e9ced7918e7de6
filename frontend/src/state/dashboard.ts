// The window's state, folded from Overview() and the pushed events only:
// nothing here polls, and nothing here works out a run's progress (the Go
// side folds it and pushes it whole). A plain reducer, so tests can drive it.
import {share} from '../lib/share';
import type {EnvView, Overview, Progress, RunEvent, SettingsView, Theme} from '../api/types';

/** One environment's run as the window shows it: the Go side's progress and the events for the activity log. */
export interface Run {
    progress: Progress;
    log: RunEvent[];
}

export interface DashboardState {
    loaded: boolean;
    error?: string;
    sandbox: boolean;
    sandboxUrl: string;
    trayAvailable: boolean;
    folders: string[];
    /** Why the settings file cannot be read (damaged); nothing is saved until it is fixed. */
    settingsProblem?: string;
    /** The colour scheme the settings say (system, light, dark). */
    theme?: Theme;
    envs: EnvView[];
    /** This app's current or last run of each environment, by name. */
    runs: Record<string, Progress>;
    /** Every run event of each environment since the window opened (and the current run's before it). */
    logs: Record<string, RunEvent[]>;
}

export type DashboardAction =
    | {type: 'overview'; overview: Overview}
    | {type: 'failed'; error: string}
    | {type: 'envs'; envs: EnvView[]}
    | {type: 'event'; event: RunEvent}
    | {type: 'progress'; run: Progress}
    | {type: 'replay'; env: string; events: RunEvent[]}
    | {type: 'settings'; settings: SettingsView};

export const initialDashboard: DashboardState = {
    loaded: false,
    sandbox: false,
    sandboxUrl: '',
    trayAvailable: false,
    folders: [],
    envs: [],
    runs: {},
    logs: {},
};

/** The run of an environment to show, if there is one. */
export function runOf(s: DashboardState, env: string): Run | undefined {
    const progress = s.runs[env];
    return progress && {progress, log: s.logs[env] ?? []};
}

/** A progress pushed after a later one of the same run (events can arrive out of order) is dropped. */
function newer(cur: Progress | undefined, next: Progress): boolean {
    return !cur || String(cur.started) !== String(next.started) || next.events >= cur.events;
}

export function dashboardReducer(s: DashboardState, a: DashboardAction): DashboardState {
    switch (a.type) {
        case 'overview': {
            const runs = {...s.runs};
            for (const p of a.overview.runs ?? []) if (newer(runs[p.env], p)) runs[p.env] = p;
            return {
                ...s,
                loaded: true,
                error: undefined,
                sandbox: a.overview.sandbox,
                sandboxUrl: a.overview.sandboxUrl,
                trayAvailable: a.overview.trayAvailable,
                folders: a.overview.folders ?? [],
                settingsProblem: a.overview.settingsProblem || undefined,
                theme: a.overview.theme || undefined,
                envs: share(s.envs, a.overview.environments ?? []),
                runs,
            };
        }
        case 'failed':
            return {...s, loaded: true, error: a.error};
        case 'envs':
            // Unchanged environments, stages and instances stay the same
            // objects, so a refresh does not re-render what it did not change.
            return {...s, envs: share(s.envs, a.envs ?? [])};
        case 'settings':
            return {
                ...s,
                folders: a.settings.folders ?? [],
                settingsProblem: a.settings.problem || undefined,
                theme: a.settings.theme || s.theme,
            };
        case 'event': {
            const ev = a.event;
            return {...s, logs: {...s.logs, [ev.env]: [...(s.logs[ev.env] ?? []), ev]}};
        }
        case 'progress':
            if (!newer(s.runs[a.run.env], a.run)) return s;
            return {...s, runs: {...s.runs, [a.run.env]: a.run}};
        case 'replay':
            // Caught up after a reload: the run's events so far, before what was pushed since.
            return {...s, logs: {...s.logs, [a.env]: [...a.events, ...(s.logs[a.env] ?? [])]}};
    }
}
