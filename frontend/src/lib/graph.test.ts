import {describe, expect, it} from 'vitest';
import {layoutStages} from './graph';

describe('layoutStages', () => {
    it('puts each stage one column right of its deepest predecessor', () => {
        const l = layoutStages([
            {name: 'db', after: []},
            {name: 'cache', after: []},
            {name: 'app', after: ['db']},
            {name: 'web', after: ['app', 'cache']},
        ]);
        expect(l.placed).toEqual([
            {name: 'db', column: 0, row: 0},
            {name: 'cache', column: 0, row: 1},
            {name: 'app', column: 1, row: 0},
            {name: 'web', column: 2, row: 0},
        ]);
        expect(l.edges).toHaveLength(3);
        expect([l.columns, l.rows]).toEqual([3, 2]);
    });

    it('survives a cycle and unknown names without looping', () => {
        const l = layoutStages([
            {name: 'a', after: ['b']},
            {name: 'b', after: ['a', 'ghost']},
        ]);
        expect(l.placed).toHaveLength(2);
        expect(l.edges.map((e) => e.from).sort()).toEqual(['a', 'b']);
    });
});
