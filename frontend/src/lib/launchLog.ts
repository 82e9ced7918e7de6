// Activity-log lines of a launch, terminate or clean-up, in the command line's words (app/cli/launch_print.go).
import type {RunEvent} from '../api/types';

/** The fields a launch's events add to a run event (op.Event: docs/cli.md, "launch" events). */
type LaunchFields = Partial<{
    stack: string;
    resource: string;
    resourceType: string;
    status: string;
    reason: string;
    percent: number;
}>;

type Ev = Pick<RunEvent, 'type'> & Partial<Pick<RunEvent, 'instance' | 'name' | 'state' | 'message'>> & LaunchFields;

/** The line of a launch's own event; undefined for the events every operation shares. */
export function launchLine(ev: Ev): string | undefined {
    const who = ev.name || ev.stack || '';
    switch (ev.type as string) {
        case 'launch-preview':
            return `will launch ${ev.message ?? ''}`;
        case 'launch-started':
            return `${ev.stack}: ${ev.message ?? ''}`;
        case 'stack-event': {
            let what = ev.stack ?? '';
            if (ev.resource) what += ` ${ev.resource}${ev.resourceType ? ` (${ev.resourceType})` : ''}`;
            return `${what} ${ev.status ?? ''}${ev.reason ? `: ${ev.reason}` : ''}`;
        }
        case 'instance-state':
            if (!ev.stack) return undefined; // a start's or stop's
            return `${ev.name ? `${ev.name} (${ev.instance})` : ev.instance} is ${ev.state}${ev.message ? ` (${ev.message})` : ''}`;
        case 'boot-progress':
            return `${who} boot ${ev.percent ?? '?'}%${ev.message ? ` ${ev.message}` : ''}`;
        case 'dns-updated':
            return `DNS ${(ev.status ?? '').toLowerCase()} ${ev.message ?? ''}`.trim();
        case 'launch-done':
            return ev.message ?? `${who} ready`;
        case 'launch-failed':
            return `${who} FAILED: ${ev.reason ?? ''}${ev.message ? ` (${ev.message})` : ''}`;
        case 'cleanup-done':
            return ev.message ?? `${ev.stack} ${ev.status ?? ''}`;
    }
    return undefined;
}
