// Activity-log lines of a launch, terminate or clean-up, in the command line's words (app/cli/launch_print.go).
import {op, type RunEvent} from '../api/types';

type Ev = Pick<RunEvent, 'type'> &
    Partial<
        Pick<
            RunEvent,
            | 'instance'
            | 'name'
            | 'state'
            | 'message'
            | 'stack'
            | 'resource'
            | 'resourceType'
            | 'status'
            | 'reason'
            | 'percent'
        >
    >;

/** The line of a launch's own event; undefined for the events every operation shares. */
export function launchLine(ev: Ev): string | undefined {
    const who = ev.name || ev.stack || '';
    switch (ev.type) {
        case op.EventType.LAUNCH_PREVIEW:
            return `will launch ${ev.message ?? ''}`;
        case op.EventType.LAUNCH_STARTED:
            return `${ev.stack}: ${ev.message ?? ''}`;
        case op.EventType.STACK_EVENT: {
            let what = ev.stack ?? '';
            if (ev.resource) what += ` ${ev.resource}${ev.resourceType ? ` (${ev.resourceType})` : ''}`;
            return `${what} ${ev.status ?? ''}${ev.reason ? `: ${ev.reason}` : ''}`;
        }
        case op.EventType.INSTANCE_STATE:
            if (!ev.stack) return undefined; // a start's or stop's
            return `${ev.name ? `${ev.name} (${ev.instance})` : ev.instance} is ${ev.state}${ev.message ? ` (${ev.message})` : ''}`;
        case op.EventType.BOOT_PROGRESS:
            return `${who} boot ${ev.percent ?? '?'}%${ev.message ? ` ${ev.message}` : ''}`;
        case op.EventType.DNS_UPDATED:
            return `DNS ${(ev.status ?? '').toLowerCase()} ${ev.message ?? ''}`.trim();
        case op.EventType.LAUNCH_DONE:
            return ev.message ?? `${who} ready`;
        case op.EventType.LAUNCH_FAILED:
            return `${who} FAILED: ${ev.reason ?? ''}${ev.message ? ` (${ev.message})` : ''}`;
        case op.EventType.CLEANUP_DONE:
            return ev.message ?? `${ev.stack} ${ev.status ?? ''}`;
    }
    return undefined;
}
