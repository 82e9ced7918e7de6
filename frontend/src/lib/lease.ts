// Lease lengths, and how a lease and what is deployed read for people.
import type {Deployment, Who} from '../api/types';
import {duration, epoch} from './format';

/** The Go side's bounds (control.LeaseRequest): one minute to seven days. */
export const MIN_LEASE = 60;
export const MAX_LEASE = 7 * 24 * 3600;

/** The preset lengths offered, in seconds. */
export const leasePresets = [
    {value: '3600', label: '1 h'},
    {value: '7200', label: '2 h'},
    {value: '14400', label: '4 h'},
    {value: '28800', label: '8 h'},
];

/** The extend presets offered on a running environment. */
export const extendPresets = [
    {seconds: 3600, label: '+1 h'},
    {seconds: 7200, label: '+2 h'},
];

const units: Record<string, number> = {d: 86400, h: 3600, m: 60};

/**
 * A custom length as typed: "90m", "1h30m", "2h", "1d 4h", or a bare number of
 * hours ("3"). Seconds, or an error in words: nothing is sent while it fails.
 */
export function parseLease(text: string): {seconds?: number; error?: string} {
    const t = text.trim().toLowerCase().replace(/\s+/g, '');
    if (t === '') return {error: 'Type a length, for example 90m, 3h or 1d'};
    let seconds: number;
    if (/^\d+(\.\d+)?$/.test(t)) seconds = Math.round(parseFloat(t) * 3600);
    else {
        const re = /(\d+(?:\.\d+)?)([dhm])/gy;
        seconds = 0;
        let end = 0;
        for (let m = re.exec(t); m; m = re.exec(t)) {
            seconds += parseFloat(m[1]) * units[m[2]];
            end = re.lastIndex;
        }
        if (end !== t.length || end === 0)
            return {error: `"${text.trim()}" is not a length: use d, h and m, for example 1h30m`};
        seconds = Math.round(seconds);
    }
    if (seconds < MIN_LEASE) return {error: 'A lease is at least 1 minute'};
    if (seconds > MAX_LEASE) return {error: 'A lease is at most 7 days'};
    return {seconds};
}

/** "2h 00m", "1d 4h": a lease length for people. */
export function leaseLength(seconds: number): string {
    if (seconds % 3600 === 0 && seconds < 86400) return `${seconds / 3600} h`;
    return duration(seconds);
}

/** The stop runbook is deployed: a lease set now is kept by AWS (a one-time schedule runs it at the end). */
export function awsKeeps(d?: Deployment): boolean {
    return !!d?.documents?.some((doc) => doc.kind === 'stop');
}

/** Plain words for who stops the environment at a lease's end. */
export function keptByText(keptBy: string | undefined, schedule?: string): string {
    if (keptBy === 'aws')
        return `AWS stops it at the end with the deployed stop runbook${schedule ? ` (schedule ${schedule})` : ''}, also with this app closed.`;
    if (keptBy === 'app') return 'Only stopped while this app is open: with the app closed, nothing stops it.';
    return '';
}

/** The lease's end in epoch ms, NaN when there is none. */
export function leaseEnd(who?: Who): number {
    return epoch(who?.leaseUntil);
}

/**
 * "on 2 of 5 running instances" when the lease covers only some of the running instances (a launch's
 * ttl leases only its new instance), "" when it covers them all: the header and the lease panel both say it.
 */
export function leaseScope(who?: Who): string {
    const leased = who?.leasedInstances ?? 0;
    const up = who?.upInstances ?? 0;
    return leased && up && leased < up ? `on ${leased} of ${up} running instances` : '';
}

/** "lease ends in 1h 12m", "lease ended": the countdown's words. */
export function countdownText(until: number, now: number): string {
    const left = (until - now) / 1000;
    return left > 0 ? `lease ends in ${duration(left)}` : 'lease ended';
}

/** A date and time for people, with the weekday ("Tue 19:00"); "" for none. */
export function when(t: unknown): string {
    const ms = epoch(t);
    if (Number.isNaN(ms)) return '';
    return new Date(ms).toLocaleString(undefined, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
    });
}
