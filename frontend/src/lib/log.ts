import type {RunEventLike} from './run';

/** An activity-log line with its time into the run: "[  12.3s] stage db ready", as the command line prints it. */
export function stampedLine(ev: RunEventLike, seconds: number): string {
    return `[${seconds.toFixed(1).padStart(6, ' ')}s] ${logLine(ev)}`;
}

/** One run event as a line of the activity log, like the command line prints it. */
export function logLine(ev: RunEventLike): string {
    const who = ev.instance ? `${ev.name ? ev.name + ' ' : ''}(${ev.instance})` : '';
    const stage = ev.stage ? `stage ${ev.stage}` : '';
    switch (ev.type) {
        case 'run-started':
            // The Go side's message already names the action and environment ("start three-tier: 4 stage(s), ...").
            return ev.message || `${ev.action} ${ev.env}`;
        case 'stage-started':
            return `${stage}: ${ev.message ?? 'started'}`;
        case 'stage-skipped':
            return `${stage} skipped: ${ev.message ?? ''}`;
        case 'action-sent':
            return `${stage}: ${ev.message ?? ''}`;
        case 'instance-state':
            return `${who} is ${ev.state}`;
        case 'gate-waiting':
            return `waiting for ${ev.gate}${who ? ' on ' + who : ''}${ev.message ? ' — ' + ev.message : ''}`;
        case 'gate-passed':
            return `${ev.gate} ok${who ? ' on ' + who : ''}`;
        case 'stage-ready':
            return `${stage} ${ev.action === 'stop' ? 'stopped' : 'ready'}${ev.message ? ' ' + ev.message : ''}`;
        case 'stage-failed':
            return `${stage} FAILED${who ? ' on ' + who : ''}${ev.gate ? ' at ' + ev.gate : ''}: ${ev.message ?? ''}`;
        case 'stage-cancelled':
            return `${stage} cancelled: ${ev.message ?? ''}`;
        case 'run-done':
        case 'run-failed':
        case 'run-cancelled':
        case 'run-refused':
            return ev.message ?? ev.type;
        default:
            return [stage, who, ev.message].filter(Boolean).join(': ');
    }
}
