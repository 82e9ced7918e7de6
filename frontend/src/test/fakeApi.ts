import {vi} from 'vitest';
import {act} from '@testing-library/react';
import type {Api} from '../api/api';
import {desktop, orchestrate, type Action, type EnvView, type Overview, type Plan, type RunEvent, type RunView, type SettingsView} from '../api/types';

type Listener<T> = (v: T) => void;

/** An Api whose answers the test sets and whose pushed events the test sends. */
export function fakeApi(overview: Overview, plans: Record<string, Plan> = {}) {
    const envs = new Set<Listener<EnvView[]>>();
    const runEvents = new Set<Listener<RunEvent>>();
    const progress = new Set<Listener<RunView>>();
    const settings = new Set<Listener<SettingsView>>();
    const sub = <T,>(set: Set<Listener<T>>) => (cb: Listener<T>) => {
        set.add(cb);
        return () => set.delete(cb);
    };
    let folders = [...(overview.folders ?? [])];
    const api = {
        overview: vi.fn(async () => overview),
        plan: vi.fn(async (env: string, action: Action) => {
            const p = plans[`${env}/${action}`];
            if (!p) throw new Error(`no plan for ${env}/${action}`);
            return p;
        }),
        run: vi.fn(async (_env: string, _action: Action) => {}),
        cancel: vi.fn(async (_env: string) => {}),
        instanceAction: vi.fn(async (_env: string, _id: string, _action: string) => {}),
        runLog: vi.fn(async (_env: string): Promise<RunEvent[]> => []),
        refresh: vi.fn(async () => {}),
        settings: vi.fn(async () => desktop.SettingsView.createFrom({folders, refreshSeconds: 30})),
        addFolder: vi.fn(async () => {
            folders = [...folders, '/home/tester/more-envs'];
            return desktop.SettingsView.createFrom({folders, refreshSeconds: 30});
        }),
        removeFolder: vi.fn(async (path: string) => {
            folders = folders.filter((f) => f !== path);
            return desktop.SettingsView.createFrom({folders, refreshSeconds: 30});
        }),
        onEnvs: vi.fn(sub(envs)),
        onRunEvent: vi.fn(sub(runEvents)),
        onRunProgress: vi.fn(sub(progress)),
        onSettings: vi.fn(sub(settings)),
    } satisfies Api;

    const push = <T,>(set: Set<Listener<T>>, v: T) => act(() => set.forEach((cb) => cb(v)));
    return {
        api,
        pushEnvs: (v: EnvView[]) => push(envs, v),
        pushEvent: (v: Partial<RunEvent> & {type: string}) => push(runEvents, orchestrate.Event.createFrom({elapsed: 0, ...v})),
        pushProgress: (v: Partial<RunView>) => push(progress, desktop.RunView.createFrom(v)),
        listeners: () => envs.size + runEvents.size + progress.size + settings.size,
    };
}
