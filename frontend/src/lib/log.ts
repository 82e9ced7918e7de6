import type {CSSProperties} from 'react';
import {op, type RunEvent, type Waiting} from '../api/types';
import {launchLine} from './launchLog';

/** How an activity log's lines look, live (RunProgress) or recorded (OperationsTable): a bare monospace list. */
export const logListStyle: CSSProperties = {
    margin: 0,
    paddingLeft: 0,
    listStyle: 'none',
    fontFamily: 'var(--mantine-font-family-monospace)',
    fontSize: 12,
};

/** The fields of a run event (the generated op.Event) a log line reads. */
export type LogEvent = Pick<RunEvent, 'env' | 'action' | 'type' | 'elapsed'> &
    Partial<Pick<RunEvent, 'stage' | 'instance' | 'name' | 'state' | 'gate' | 'message'>> &
    Partial<Pick<RunEvent, 'stack' | 'resource' | 'resourceType' | 'status' | 'reason' | 'percent'>>;

/** The gate a stage waits on: "waiting for tcp 5432 on shop-db". */
export function waitingText(w: Waiting): string {
    return `waiting for ${w.gate}${w.name || w.instance ? ` on ${w.name || w.instance}` : ''}`;
}

/** An activity-log line with its time into the run: "[  12.3s] stage db ready", as the command line prints it. */
export function stampedLine(ev: LogEvent, seconds: number): string {
    return `[${seconds.toFixed(1).padStart(6, ' ')}s] ${logLine(ev)}`;
}

/** One run event as a line of the activity log, like the command line prints it. */
export function logLine(ev: LogEvent): string {
    const launched = launchLine(ev);
    if (launched !== undefined) return launched;
    const who = ev.instance ? `${ev.name ? ev.name + ' ' : ''}(${ev.instance})` : '';
    const stage = ev.stage ? `stage ${ev.stage}` : '';
    switch (ev.type) {
        case op.EventType.RUN_STARTED:
            // The Go side's message already names the action and environment ("start three-tier: 4 stage(s), ...").
            return ev.message || `${ev.action} ${ev.env}`;
        case op.EventType.STAGE_STARTED:
            return `${stage}: ${ev.message ?? 'started'}`;
        case op.EventType.STAGE_SKIPPED:
            return `${stage} skipped: ${ev.message ?? ''}`;
        case op.EventType.ACTION_SENT:
            return `${stage}: ${ev.message ?? ''}`;
        case op.EventType.INSTANCE_STATE:
            return `${who} is ${ev.state}`;
        case op.EventType.GATE_WAITING:
            return `waiting for ${ev.gate}${who ? ' on ' + who : ''}${ev.message ? ' — ' + ev.message : ''}`;
        case op.EventType.GATE_PASSED:
            return `${ev.gate} ok${who ? ' on ' + who : ''}`;
        case op.EventType.STAGE_READY:
            return `${stage} ${ev.action === op.Action.STOP ? 'stopped' : 'ready'}${ev.message ? ' ' + ev.message : ''}`;
        case op.EventType.STAGE_FAILED:
            return `${stage} FAILED${who ? ' on ' + who : ''}${ev.gate ? ' at ' + ev.gate : ''}: ${ev.message ?? ''}`;
        case op.EventType.STAGE_CANCELLED:
            return `${stage} cancelled: ${ev.message ?? ''}`;
        case op.EventType.RUN_DONE:
        case op.EventType.RUN_FAILED:
        case op.EventType.RUN_CANCELLED:
        case op.EventType.RUN_REFUSED:
            return ev.message ?? ev.type;
        default:
            return [stage, who, ev.message].filter(Boolean).join(': ');
    }
}
