// The live progress of one start or stop, folded from the pushed run events
// (orchestrate.Event on the Go side). Pure functions: the view renders what
// they return, and tests feed them event sequences.

import type {orchestrate} from '../../wailsjs/go/models';

/** The fields of a pushed run event (the generated orchestrate.Event) these
 * functions read; a Pick, so the Go struct stays the one definition. */
export type RunEventLike = Pick<orchestrate.Event, 'env' | 'action' | 'type' | 'elapsed'> &
    Partial<Pick<orchestrate.Event, 'stage' | 'instance' | 'name' | 'state' | 'gate' | 'message' | 'time'>>;

export interface PlanLike {
    env: string;
    action: string;
    stages: {name: string; instances: {id: string}[]; gates: {kind: string}[]}[];
}

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'refused';
export type StageStatus = 'pending' | 'active' | 'ready' | 'skipped' | 'failed' | 'cancelled';

export interface Waiting {
    gate: string;
    instance?: string;
    name?: string;
    message?: string;
}

export interface StageProgress {
    name: string;
    status: StageStatus;
    /** Gate checks passed so far and how many the stage has in all (instances x per-instance gates + stage gates). */
    passed: number;
    total: number;
    waiting?: Waiting;
    message?: string;
}

export interface Failure {
    stage?: string;
    instance?: string;
    name?: string;
    gate?: string;
    message: string;
}

export interface RunState<E extends RunEventLike = RunEventLike> {
    env: string;
    action: string;
    status: RunStatus;
    elapsed: number;
    stages: StageProgress[];
    log: E[];
    failure?: Failure;
    message?: string;
    /** Wall-clock start (ms), from the run-started event, for a live clock. */
    startedAt?: number;
    /** Instances left running by a failed run (from run:finished). */
    leftRunning?: string[];
    /** Internal: which gate/instance pairs have passed, per stage. */
    seen: Record<string, string[]>;
}

export function initRun<E extends RunEventLike>(plan: PlanLike): RunState<E> {
    return {
        env: plan.env,
        action: plan.action,
        status: 'running',
        elapsed: 0,
        stages: (plan.stages ?? []).map((s) => {
            const gates = s.gates ?? [];
            const stageGates = gates.filter((g) => g.kind === 'delay').length;
            const perInstance = gates.length - stageGates;
            return {
                name: s.name,
                status: 'pending',
                passed: 0,
                total: Math.max(1, (s.instances?.length ?? 0) * perInstance + stageGates),
            };
        }),
        log: [],
        seen: {},
    };
}

const finished: RunStatus[] = ['done', 'failed', 'cancelled', 'refused'];

export function isFinished(s: RunState<RunEventLike>): boolean {
    return finished.includes(s.status);
}

function withStage(s: RunState<any>, name: string | undefined, f: (p: StageProgress) => StageProgress): StageProgress[] {
    if (!name) return s.stages;
    const known = s.stages.some((p) => p.name === name);
    const stages = known ? s.stages : [...s.stages, {name, status: 'pending' as StageStatus, passed: 0, total: 1}];
    return stages.map((p) => (p.name === name ? f(p) : p));
}

/** Folds one event into the state; events of another env or action are ignored. */
export function applyEvent<E extends RunEventLike>(s: RunState<E>, ev: E): RunState<E> {
    if (ev.env !== s.env || ev.action !== s.action) return s;
    const next: RunState<E> = {...s, log: [...s.log, ev], elapsed: Math.max(s.elapsed, ev.elapsed ?? 0)};
    switch (ev.type) {
        case 'run-started': {
            // A new run (or a resume after a failure) starts every stage afresh.
            const t = typeof ev.time === 'string' ? Date.parse(ev.time) : NaN;
            return {
                ...next,
                status: 'running',
                failure: undefined,
                leftRunning: undefined,
                message: ev.message,
                elapsed: ev.elapsed ?? 0,
                startedAt: Number.isNaN(t) ? undefined : t,
                seen: {},
                stages: s.stages.map((p) => ({...p, status: 'pending', passed: 0, waiting: undefined, message: undefined})),
            };
        }
        case 'stage-started':
            return {...next, stages: withStage(s, ev.stage, (p) => ({...p, status: 'active', message: ev.message}))};
        case 'stage-skipped':
            return {...next, stages: withStage(s, ev.stage, (p) => ({...p, status: 'skipped', passed: p.total, message: ev.message}))};
        case 'gate-waiting':
            return {
                ...next,
                stages: withStage(s, ev.stage, (p) => ({
                    ...p,
                    status: p.status === 'pending' ? 'active' : p.status,
                    waiting: {gate: ev.gate ?? '', instance: ev.instance, name: ev.name, message: ev.message},
                })),
            };
        case 'gate-passed': {
            const key = `${ev.gate}|${ev.instance ?? ''}`;
            const stage = ev.stage ?? '';
            const seen = s.seen[stage] ?? [];
            if (seen.includes(key)) return next;
            const nowSeen = [...seen, key];
            return {
                ...next,
                seen: {...s.seen, [stage]: nowSeen},
                stages: withStage(s, ev.stage, (p) => ({
                    ...p,
                    passed: Math.min(p.total, nowSeen.length),
                    waiting: p.waiting && p.waiting.gate === ev.gate && p.waiting.instance === ev.instance ? undefined : p.waiting,
                })),
            };
        }
        case 'stage-ready':
            return {...next, stages: withStage(s, ev.stage, (p) => ({...p, status: 'ready', passed: p.total, waiting: undefined, message: ev.message}))};
        case 'stage-failed':
            return {
                ...next,
                stages: withStage(s, ev.stage, (p) => ({...p, status: 'failed', message: ev.message})),
                failure: {stage: ev.stage, instance: ev.instance, name: ev.name, gate: ev.gate, message: ev.message ?? 'failed'},
            };
        case 'stage-cancelled':
            return {...next, stages: withStage(s, ev.stage, (p) => ({...p, status: 'cancelled', waiting: undefined, message: ev.message}))};
        case 'run-done':
            return {...next, status: 'done', message: ev.message};
        case 'run-failed':
            return {
                ...next,
                status: 'failed',
                message: ev.message,
                failure: {
                    stage: ev.stage ?? s.failure?.stage,
                    instance: ev.instance ?? s.failure?.instance,
                    name: ev.name ?? s.failure?.name,
                    gate: ev.gate ?? s.failure?.gate,
                    message: ev.message ?? s.failure?.message ?? 'failed',
                },
            };
        case 'run-cancelled':
            return {...next, status: 'cancelled', message: ev.message};
        case 'run-refused':
            return {...next, status: 'refused', message: ev.message, failure: {message: ev.message ?? 'refused'}};
        default:
            return next;
    }
}

/** The Go side's per-stage summary (desktop.RunView), pushed as run:progress and run:finished. */
export interface RunViewLike {
    env: string;
    action: string;
    stages: {name: string; status: string; message: string}[];
    done: boolean;
    outcome: string;
    failure?: {stage: string; instance: string; name: string; gate: string; message: string; leftRunning: string[]};
    error: string;
    elapsed: number;
}

const fromGo: Record<string, StageStatus> = {
    'not-started': 'pending',
    'in-progress': 'active',
    ready: 'ready',
    skipped: 'skipped',
    failed: 'failed',
    cancelled: 'cancelled',
};

/**
 * Merges the Go side's summary into the event-folded state: it fixes the
 * stage order (plan order), fills in stages the events have not named yet
 * and, once the run is done, its outcome and what was left running.
 */
export function applyProgress<E extends RunEventLike>(s: RunState<E>, v: RunViewLike): RunState<E> {
    if (v.env !== s.env || v.action !== s.action) return s;
    const byName = new Map(s.stages.map((p) => [p.name, p]));
    const ordered = (v.stages ?? []).map((g) => {
        const mine = byName.get(g.name);
        const status = fromGo[g.status] ?? 'pending';
        if (!mine) return {name: g.name, status, passed: 0, total: 1, message: g.message || undefined};
        // Events are finer-grained; take the summary only when it is further on.
        return mine.status === 'pending' && status !== 'pending' ? {...mine, status} : mine;
    });
    const extra = s.stages.filter((p) => !(v.stages ?? []).some((g) => g.name === p.name));
    const next: RunState<E> = {...s, stages: [...ordered, ...extra], elapsed: Math.max(s.elapsed, v.elapsed ?? 0)};
    if (!v.done) return next;
    const status: RunStatus = v.outcome === 'done' ? 'done' : v.outcome === 'cancelled' ? 'cancelled' : 'failed';
    const f = v.failure;
    return {
        ...next,
        status,
        elapsed: v.elapsed ?? next.elapsed,
        leftRunning: f?.leftRunning ?? undefined,
        failure:
            status === 'failed'
                ? {
                      stage: f?.stage || s.failure?.stage,
                      instance: f?.instance || s.failure?.instance,
                      name: f?.name || s.failure?.name,
                      gate: f?.gate || s.failure?.gate,
                      message: f?.message || v.error || s.failure?.message || 'failed',
                  }
                : undefined,
        message: v.error || next.message,
    };
}

/** A plan-shaped outline of an environment, for runs this window did not plan (the tray, a reload). */
export function outlineFromStages(env: string, action: string, stages: {name: string; after?: string[]; instances: {id: string}[]; gates: {kind: string}[]}[]): PlanLike {
    const list = stages.map((st) => ({
        name: st.name,
        instances: st.instances ?? [],
        gates: action === 'stop' ? [{kind: 'stopped'}] : st.gates ?? [],
    }));
    return {env, action, stages: action === 'stop' ? [...list].reverse() : list};
}

/**
 * The state a stage shows while a start or stop is running: what the run's
 * events say (they arrive at once), not the last background refresh (which
 * lags by up to its interval). Pending and cancelled stages keep the
 * refreshed state.
 */
export function stageDisplayState(action: string, refreshed: string, progress?: StageProgress): string {
    switch (progress?.status) {
        case 'active':
            return action === 'stop' ? 'stopping' : 'starting';
        case 'ready':
        case 'skipped':
            return action === 'stop' ? 'stopped' : 'running';
        case 'failed':
            return 'failed';
        default:
            return refreshed;
    }
}
