// Small formatting helpers shared by the views.

/** "1h 05m", "3m 20s", "12s": a duration for people, from seconds. */
export function duration(seconds: number): string {
    if (!Number.isFinite(seconds) || seconds < 0) return '—';
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
    if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
    return `${sec}s`;
}

/** Uptime of a running instance from its launch time; "—" when it is not running or the time is unknown. */
export function uptime(launchTime: string | undefined, state: string, now: number): string {
    if (state !== 'running' || !launchTime) return '—';
    const t = Date.parse(launchTime);
    if (Number.isNaN(t) || t <= 0) return '—';
    return duration((now - t) / 1000);
}

/** Seconds since launch, for sorting; -1 when not running. */
export function uptimeSeconds(launchTime: string | undefined, state: string, now: number): number {
    if (state !== 'running' || !launchTime) return -1;
    const t = Date.parse(launchTime);
    return Number.isNaN(t) ? -1 : (now - t) / 1000;
}

/** "12.3s" for the progress clock. */
export function elapsed(seconds: number): string {
    return seconds < 60 ? `${seconds.toFixed(1)}s` : duration(seconds);
}
