import {describe, expect, it} from 'vitest';
import {op} from '../api/types';
import {logLine, type LogEvent} from './log';

const ev = (e: Partial<LogEvent>): LogEvent => ({
    env: 'three-tier',
    action: op.Action.START,
    elapsed: 0,
    type: op.EventType.NOTE,
    ...e,
});

describe('activity log lines', () => {
    it('prints the run-started summary once, as the command line does', () => {
        expect(
            logLine(ev({type: op.EventType.RUN_STARTED, message: 'start three-tier: 4 stage(s), 6 instance(s)'})),
        ).toBe('start three-tier: 4 stage(s), 6 instance(s)');
        expect(logLine(ev({type: op.EventType.RUN_STARTED}))).toBe('start three-tier');
    });

    it('says a stage of a stop stopped, and of a start is ready', () => {
        expect(
            logLine(ev({type: op.EventType.STAGE_READY, stage: 'web', action: op.Action.STOP, message: 'after 3s'})),
        ).toBe('stage web stopped after 3s');
        expect(logLine(ev({type: op.EventType.STAGE_READY, stage: 'db'}))).toBe('stage db ready');
    });
});
