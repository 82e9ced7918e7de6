import {describe, expect, it} from 'vitest';
import {share} from './share';

const inst = (id: string, state = 'running') => ({id, state, tags: {Name: id}});

describe('structural sharing of pushed state', () => {
    it('keeps every unchanged part as the previous object', () => {
        const prev = [{name: 'a', checkedAt: '1', stages: [{name: 's', instances: [inst('i-1'), inst('i-2')]}]}];
        const next = [{name: 'a', checkedAt: '2', stages: [{name: 's', instances: [inst('i-1'), inst('i-2')]}]}];
        const out = share(prev, next);
        expect(out).toEqual(next);
        expect(out).not.toBe(prev);
        expect(out[0].checkedAt).toBe('2');
        expect(out[0].stages).toBe(prev[0].stages);
    });

    it('replaces only the path to what changed', () => {
        const prev = {stages: [{instances: [inst('i-1'), inst('i-2')]}, {instances: [inst('i-3')]}]};
        const next = {stages: [{instances: [inst('i-1'), inst('i-2', 'stopping')]}, {instances: [inst('i-3')]}]};
        const out = share(prev, next);
        expect(out).toEqual(next);
        expect(out.stages[0].instances[0]).toBe(prev.stages[0].instances[0]);
        expect(out.stages[0].instances[1]).not.toBe(prev.stages[0].instances[1]);
        expect(out.stages[0].instances[1].state).toBe('stopping');
        expect(out.stages[1]).toBe(prev.stages[1]);
    });

    it('returns the previous value itself when nothing changed, and sees added, removed and reordered items', () => {
        const prev = {a: [1, 2, 3], b: {c: 'x'}};
        expect(share(prev, {a: [1, 2, 3], b: {c: 'x'}})).toBe(prev);
        expect(share(prev, {a: [1, 2, 3, 4], b: {c: 'x'}}).a).toEqual([1, 2, 3, 4]);
        expect(share(prev, {a: [1, 2], b: {c: 'x'}}).a).toEqual([1, 2]);
        expect(share(prev, {a: [3, 2, 1], b: {c: 'x'}}).a).toEqual([3, 2, 1]);
        const dropped = share<Record<string, unknown>>(prev, {a: [1, 2, 3]});
        expect(dropped).toEqual({a: [1, 2, 3]});
        expect(dropped.a).toBe(prev.a);
        expect(share<unknown>(prev, null)).toBeNull();
    });

    it('keeps class instances (the generated models) as their class', () => {
        class M {
            x = 1;
            y = [1];
        }
        const prev = new M();
        const next = new M();
        next.x = 2;
        const out = share(prev, next);
        expect(out).toBeInstanceOf(M);
        expect(out.y).toBe(prev.y);
        expect(out.x).toBe(2);
        // A plain object in place of a model: its parts are still shared, its kind is next's.
        const plain = share<object>(prev, {x: 1, y: [1]});
        expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
        expect((plain as M).y).toBe(prev.y);
    });
});

describe('the dashboard reducer', () => {
    it("keeps an environment's stages (and so its instance rows) when a refresh changed only its read time", async () => {
        const {dashboardReducer, initialDashboard} = await import('../state/dashboard');
        const {threeTier} = await import('../test/envs');
        const first = dashboardReducer(initialDashboard, {type: 'envs', envs: [threeTier()]});
        const again = dashboardReducer(first, {
            type: 'envs',
            envs: [{...threeTier(), checkedAt: '2026-11-22T09:00:00Z'} as ReturnType<typeof threeTier>],
        });
        expect(again.envs[0].checkedAt).toBe('2026-11-22T09:00:00Z');
        expect(again.envs[0].stages).toBe(first.envs[0].stages);
    });
});
