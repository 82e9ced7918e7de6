// The one way the components reach Go: bound methods and pushed events.
// Components get an Api from ApiProvider (context), never window.go, so tests
// pass a fake.
import * as Envs from '../../wailsjs/go/desktop/Environments';
import * as Settings from '../../wailsjs/go/desktop/Settings';
import {EventsOn} from '../../wailsjs/runtime/runtime';
import {desktop, orchestrate} from '../../wailsjs/go/models';
import type {Action, EnvView, InstanceAction, Overview, Plan, RunEvent, RunView, SettingsView} from './types';

export type Unsubscribe = () => void;

export interface Api {
    overview(): Promise<Overview>;
    plan(env: string, action: Action): Promise<Plan>;
    /** Resolves once the run has begun (the lock is held); progress follows as events. */
    run(env: string, action: Action): Promise<void>;
    cancel(env: string): Promise<void>;
    instanceAction(env: string, id: string, action: InstanceAction): Promise<void>;
    runLog(env: string): Promise<RunEvent[]>;
    refresh(): Promise<void>;

    settings(): Promise<SettingsView>;
    addFolder(): Promise<SettingsView>;
    removeFolder(path: string): Promise<SettingsView>;

    onEnvs(cb: (envs: EnvView[]) => void): Unsubscribe;
    onRunEvent(cb: (ev: RunEvent) => void): Unsubscribe;
    onRunProgress(cb: (run: RunView) => void): Unsubscribe;
    onSettings(cb: (s: SettingsView) => void): Unsubscribe;
}

/** Event names, as app/desktop/API.md lists them. */
export const events = {
    envs: 'envs:changed',
    runEvent: 'run:event',
    runProgress: 'run:progress',
    runFinished: 'run:finished',
    settings: 'settings:changed',
} as const;

/** The real Api over the Wails bindings. */
export function wailsApi(): Api {
    // EventsOn returns its own canceller, which removes just this listener
    // (EventsOff would remove every listener of the name).
    const on = <T>(name: string, make: (raw: unknown) => T, cb: (v: T) => void): Unsubscribe => EventsOn(name, (raw: unknown) => cb(make(raw)));
    const envList = (raw: unknown) => ((raw as unknown[]) ?? []).map((e) => desktop.EnvView.createFrom(e));
    return {
        overview: () => Envs.Overview(),
        plan: (env, action) => Envs.Plan(env, action),
        run: (env, action) => (action === 'start' ? Envs.Start(env) : Envs.Stop(env)),
        cancel: (env) => Envs.Cancel(env),
        instanceAction: (env, id, action) => Envs.InstanceAction(env, id, action),
        runLog: (env) => Envs.RunLog(env),
        refresh: () => Envs.Refresh(),
        settings: () => Settings.Get(),
        addFolder: () => Settings.AddFolder(),
        removeFolder: (path) => Settings.RemoveFolder(path),
        onEnvs: (cb) => on(events.envs, envList, cb),
        onRunEvent: (cb) => on(events.runEvent, (r) => orchestrate.Event.createFrom(r), cb),
        onRunProgress: (cb) => {
            const make = (r: unknown) => desktop.RunView.createFrom(r);
            const offs = [on(events.runProgress, make, cb), on(events.runFinished, make, cb)];
            return () => offs.forEach((off) => off());
        },
        onSettings: (cb) => on(events.settings, (r) => desktop.SettingsView.createFrom(r), cb),
    };
}
