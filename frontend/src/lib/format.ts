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

/** Epoch ms of a Go time as JSON sends it; NaN for Go's zero time or none. */
export function epoch(t: unknown): number {
    return typeof t === 'string' && t !== '' && !t.startsWith('0001') ? Date.parse(t) : NaN;
}

/** Uptime of a running instance from its launch time; "—" when it is not running or the time is unknown. */
export function uptime(launchTime: string | undefined, state: string, now: number): string {
    if (state !== 'running') return '—';
    const t = epoch(launchTime);
    if (Number.isNaN(t) || t <= 0) return '—';
    return duration((now - t) / 1000);
}

/** Seconds since launch, for sorting; -1 when not running. */
export function uptimeSeconds(launchTime: string | undefined, state: string, now: number): number {
    if (state !== 'running') return -1;
    const t = epoch(launchTime);
    return Number.isNaN(t) ? -1 : (now - t) / 1000;
}

/** "12.3s" for the progress clock. */
export function elapsed(seconds: number): string {
    return seconds < 60 ? `${seconds.toFixed(1)}s` : duration(seconds);
}

/** "2h 05m ago", "just now": how long ago a time was. */
export function ago(t: unknown, now: number): string {
    const ms = epoch(t);
    if (Number.isNaN(ms)) return '';
    const s = (now - ms) / 1000;
    return s < 60 ? 'just now' : `${duration(s)} ago`;
}

/** A clock time for people ("7:35:03 PM"); "" for none. */
export function clock(t: unknown): string {
    const ms = epoch(t);
    return Number.isNaN(ms) ? '' : new Date(ms).toLocaleTimeString();
}
