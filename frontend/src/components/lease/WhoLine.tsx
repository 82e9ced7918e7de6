import type {ReactNode} from 'react';
import {Text} from '@mantine/core';
import type {Who} from '../../api/types';
import {ago, duration, epoch} from '../../lib/format';
import {countdownText, leaseEnd, leaseScope} from '../../lib/lease';

/**
 * "started by alice, 2h 05m ago · lease ends in 1h 12m (bob)": who started what runs and its lease,
 * from the instances' tags (EnvView.who), whoever's Cloud Control or runbook started it.
 */
export function WhoLine({env, who, now}: {env: string; who?: Who; now: number}) {
    const parts: ReactNode[] = [];
    if (who?.startedBy) {
        parts.push(
            <span key="started" title={who.startedBy} data-testid="started-by">
                started by {who.startedByName || who.startedBy}
                {who.startedAt ? `, ${ago(who.startedAt, now)}` : ''}
            </span>,
        );
    }
    const until = leaseEnd(who);
    if (!Number.isNaN(until)) {
        const scope = leaseScope(who);
        parts.push(
            <span
                key="lease"
                data-testid="lease"
                title={`until ${new Date(until).toLocaleString()}${who?.leaseBy ? `, ${who.leaseBy}` : ''}`}
            >
                <LeaseCountdown env={env} until={until} now={now} />
                {who?.leaseByName ? ` (${who.leaseByName})` : ''}
                {scope ? `, ${scope}` : ''}
            </span>,
        );
    }
    if (parts.length === 0) return null;
    return (
        <Text size="xs" c="dimmed" data-testid="who">
            {parts.flatMap((p, i) => (i ? [' · ', p] : [p]))}
        </Text>
    );
}

/** The lease's countdown, named for assistive technology (a timer is not announced on every tick). */
export function LeaseCountdown({env, until, now}: {env: string; until: number; now: number}) {
    const text = countdownText(until, now);
    return (
        <span role="timer" aria-label={`Lease of ${env}: ${text}`} data-testid="lease-countdown">
            {text}
        </span>
    );
}

/** "1d 4h", "1h 12m", "12 min", "under 1 min": to the minute, for a line re-read twice a minute. */
function minutes(seconds: number): string {
    if (seconds >= 3600) return duration(seconds);
    return seconds >= 60 ? `${Math.floor(seconds / 60)} min` : 'under 1 min';
}

/** The sidebar's short form: "alice 2h 05m ago · lease 1h 12m". */
export function whoShort(who: Who | undefined, now: number): string {
    const parts: string[] = [];
    const started = epoch(who?.startedAt);
    if (who?.startedByName)
        parts.push(
            Number.isNaN(started)
                ? who.startedByName
                : now - started < 60e3
                  ? `${who.startedByName} just now`
                  : `${who.startedByName} ${minutes((now - started) / 1000)} ago`,
        );
    const until = leaseEnd(who);
    if (!Number.isNaN(until)) parts.push(until > now ? `lease ${minutes((until - now) / 1000)}` : 'lease ended');
    return parts.join(' · ');
}
