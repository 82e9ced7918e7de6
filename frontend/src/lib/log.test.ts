import {describe, expect, it} from 'vitest';
import {logLine} from './log';

const ev = (e: object) => ({env: 'three-tier', action: 'start', elapsed: 0, type: 'note', ...e});

describe('activity log lines', () => {
    it('prints the run-started summary once, as the command line does', () => {
        expect(logLine(ev({type: 'run-started', message: 'start three-tier: 4 stage(s), 6 instance(s)'}))).toBe('start three-tier: 4 stage(s), 6 instance(s)');
        expect(logLine(ev({type: 'run-started'}))).toBe('start three-tier');
    });

    it('says a stage of a stop stopped, and of a start is ready', () => {
        expect(logLine(ev({type: 'stage-ready', stage: 'web', action: 'stop', message: 'after 3s'}))).toBe('stage web stopped after 3s');
        expect(logLine(ev({type: 'stage-ready', stage: 'db'}))).toBe('stage db ready');
    });
});
