// Progress values as the Go side pushes them (op.Progress, folded there from
// the run's events): the window only renders them.
import {op} from '../api/types';

type Stage = {
    name: string;
    status?: op.StageStatus;
    passed?: number;
    total: number;
    state?: op.State;
    waiting?: object;
    message?: string;
    started?: string;
    timeoutSeconds?: number;
};

/** The three-tier start plan's stages (test/envs.ts startPlan): gate checks per stage as the fold counts them. */
export function startStages(over: Record<string, Partial<Stage>> = {}): Stage[] {
    const stages: Stage[] = [
        {name: 'database', total: 2}, // 1 instance x (running, tcp)
        {name: 'cache', total: 1},
        {name: 'app', total: 4}, // 2 instances x (running, http)
        {name: 'web', total: 2}, // 1 instance x running + the delay
    ];
    return stages.map((s) => ({passed: 0, status: op.StageStatus.PENDING, instances: [], ...s, ...over[s.name]}));
}

export function progress(over: object = {}): op.Progress {
    return op.Progress.createFrom({
        env: 'three-tier',
        action: op.Action.START,
        outcome: op.Outcome.RUNNING,
        started: '2025-01-01T10:00:00Z',
        elapsed: 0,
        events: 1,
        stages: startStages(),
        ...over,
    });
}
