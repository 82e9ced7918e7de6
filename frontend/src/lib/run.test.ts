import {describe, expect, it} from 'vitest';
import {applyEvent, applyProgress, initRun, outlineFromStages, stageDisplayState, type RunEventLike} from './run';

const plan = {
    env: 'e',
    action: 'start',
    stages: [
        {name: 'db', instances: [{id: 'i-1'}, {id: 'i-2'}], gates: [{kind: 'running'}, {kind: 'tcp'}, {kind: 'delay'}]},
        {name: 'web', instances: [{id: 'i-3'}], gates: [{kind: 'running'}]},
    ],
};
const ev = (e: Partial<RunEventLike> & {type: string}): RunEventLike => ({env: 'e', action: 'start', elapsed: 0, ...e});
const fold = (events: RunEventLike[]) => events.reduce(applyEvent, initRun(plan));

describe('run progress from events', () => {
    it('counts each instance gate once, plus the stage gates', () => {
        const s = fold([
            ev({type: 'stage-started', stage: 'db'}),
            ev({type: 'gate-passed', stage: 'db', gate: 'running', instance: 'i-1'}),
            ev({type: 'gate-passed', stage: 'db', gate: 'running', instance: 'i-1'}),
            ev({type: 'gate-passed', stage: 'db', gate: 'running', instance: 'i-2'}),
        ]);
        // 2 instances x 2 instance gates + 1 delay = 5.
        expect(s.stages[0]).toMatchObject({status: 'active', passed: 2, total: 5});
    });

    it('ignores events of another environment or action', () => {
        const s = fold([ev({type: 'stage-started', stage: 'db', env: 'other'}), ev({type: 'stage-started', stage: 'db', action: 'stop'})]);
        expect(s.stages[0].status).toBe('pending');
        expect(s.log).toHaveLength(0);
    });

    it('clears the gate waited on once it passes', () => {
        const s = fold([
            ev({type: 'gate-waiting', stage: 'db', gate: 'tcp 5432', instance: 'i-1'}),
            ev({type: 'gate-passed', stage: 'db', gate: 'tcp 5432', instance: 'i-1'}),
        ]);
        expect(s.stages[0].waiting).toBeUndefined();
        expect(s.stages[0].status).toBe('active');
    });

    it('keeps the failure and restarts every stage on the next run-started', () => {
        const failed = fold([
            ev({type: 'run-started'}),
            ev({type: 'stage-ready', stage: 'db', elapsed: 10}),
            ev({type: 'stage-failed', stage: 'web', instance: 'i-3', gate: 'running', message: 'terminated', elapsed: 12}),
            ev({type: 'run-failed', message: 'start e failed', elapsed: 12}),
        ]);
        expect(failed.status).toBe('failed');
        expect(failed.failure).toEqual({stage: 'web', instance: 'i-3', name: undefined, gate: 'running', message: 'start e failed'});
        expect(failed.elapsed).toBe(12);
        const resumed = applyEvent(failed, ev({type: 'run-started', time: '2025-01-01T00:00:00Z'}));
        expect(resumed.status).toBe('running');
        expect(resumed.failure).toBeUndefined();
        expect(resumed.stages.map((p) => p.status)).toEqual(['pending', 'pending']);
        expect(resumed.startedAt).toBe(Date.parse('2025-01-01T00:00:00Z'));
        expect(resumed.log).toHaveLength(5);
    });

    it('takes stage order, outcome and what was left running from the Go summary', () => {
        const s = applyProgress(initRun({env: 'e', action: 'stop', stages: []}), {
            env: 'e', action: 'stop', done: true, outcome: 'failed', error: 'stop e failed', elapsed: 30,
            stages: [{name: 'web', status: 'ready', message: ''}, {name: 'db', status: 'failed', message: ''}],
            failure: {stage: 'db', instance: 'i-1', name: 'db-1', gate: 'stopped', message: 'timed out', leftRunning: ['i-1 (db-1)']},
        });
        expect(s.stages.map((p) => [p.name, p.status])).toEqual([['web', 'ready'], ['db', 'failed']]);
        expect(s.status).toBe('failed');
        expect(s.failure).toMatchObject({stage: 'db', instance: 'i-1', gate: 'stopped', message: 'timed out'});
        expect(s.leftRunning).toEqual(['i-1 (db-1)']);
    });

    it('outlines a stop in reverse stage order with one stopped gate per instance', () => {
        const o = outlineFromStages('e', 'stop', [
            {name: 'db', instances: [{id: 'i-1'}], gates: [{kind: 'tcp'}]},
            {name: 'web', instances: [{id: 'i-2'}, {id: 'i-3'}], gates: []},
        ]);
        expect(o.stages.map((s) => s.name)).toEqual(['web', 'db']);
        expect(initRun(o).stages[0].total).toBe(2);
    });
});

describe("a stage's state during a run", () => {
    const p = (status: 'pending' | 'active' | 'ready' | 'skipped' | 'failed' | 'cancelled') => ({name: 'db', status, passed: 0, total: 1});
    it('follows the run, not the last refresh', () => {
        expect(stageDisplayState('start', 'stopped', p('active'))).toBe('starting');
        expect(stageDisplayState('start', 'stopped', p('ready'))).toBe('running');
        expect(stageDisplayState('start', 'running', p('skipped'))).toBe('running');
        expect(stageDisplayState('stop', 'running', p('active'))).toBe('stopping');
        expect(stageDisplayState('stop', 'running', p('ready'))).toBe('stopped');
        expect(stageDisplayState('start', 'partly running', p('failed'))).toBe('failed');
    });
    it('keeps the refreshed state for stages the run has not reached or abandoned', () => {
        expect(stageDisplayState('start', 'stopped', p('pending'))).toBe('stopped');
        expect(stageDisplayState('start', 'partly running', p('cancelled'))).toBe('partly running');
        expect(stageDisplayState('start', 'running', undefined)).toBe('running');
    });
});
