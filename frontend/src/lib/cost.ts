// Money as people read it. A price nobody knows is "unknown", never $0,
// and a total missing parts says so.
import type {Money, Quote} from '../api/types';

/**
 * An amount, by the one rule every front end follows (Go's cost.USD): to
 * the cent ("$12.34", "$1,234.50"), to $0.0001 below a cent ("$0.0104"),
 * and "$0.00" for what rounds to nothing there; never "$0.0000".
 */
export function usd(v: number): string {
    const a = Math.abs(v);
    if (v < 0 && a >= 0.00005) return `-${usd(a)}`;
    if (a < 0.00005) return '$0.00';
    if (a < 0.01) return `$${a.toFixed(4)}`;
    return `$${a.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})}`;
}

/** A total: "$12.34", "$12.34 + unknown" or "unknown" when nothing of it could be priced. */
export function money(m: Money | undefined): string {
    if (!m) return 'unknown';
    const missing = (m.unknown?.length ?? 0) > 0;
    if (!missing) return m.any === false ? 'unknown' : usd(m.usd);
    if (!m.any || m.usd === 0) return 'unknown';
    return `${usd(m.usd)} + unknown`;
}

/** A usage report's hours as the report rounded them (0.01 h). */
export const reportHours = (h: number) => h.toFixed(2);

/** What a total leaves out, for a tooltip; "" when complete. */
export function missing(m: Money | undefined): string {
    return m?.unknown?.length ? `Not priced: ${m.unknown.join(', ')}` : '';
}

/** A unit price: "$0.0104/hour" or "unknown". */
export function quote(q: Quote | undefined): string {
    if (!q || !q.known) return 'unknown';
    return `$${q.usd.toFixed(4)}/${q.unit || 'hour'}`; // unit prices need the fourth decimal
}

const zero = (t: unknown) => typeof t !== 'string' || t === '' || t.startsWith('0001-');

/** How old a price is: "today", "3 days old", "5 months old"; "" when undated. */
export function age(asOf: unknown, now: number): string {
    if (zero(asOf)) return '';
    const t = Date.parse(asOf as string);
    if (Number.isNaN(t)) return '';
    const days = Math.floor((now - t) / 86_400_000);
    if (days < 1) return 'today';
    if (days < 60) return `${days} day${days === 1 ? '' : 's'} old`;
    const months = Math.floor(days / 30);
    if (months < 24) return `${months} months old`;
    return `${Math.floor(days / 365)} years old`;
}

/** Where a price came from and how old it is: "built-in table, 2025-05-28 (200 days old)". */
export function provenance(q: Quote | undefined, now: number): string {
    if (!q || !q.known) return q?.note || 'no price known';
    const date = zero(q.asOf) ? '' : String(q.asOf).slice(0, 10);
    const old = age(q.asOf, now);
    return [q.source, date].filter(Boolean).join(', ') + (old ? ` (${old})` : '');
}

/** A local date as YYYY-MM-DD. */
export function isoDate(d: Date): string {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A time for people, "" for Go's zero time. */
export function when(t: unknown): string {
    if (zero(t)) return '';
    const ms = Date.parse(t as string);
    return Number.isNaN(ms) ? '' : new Date(ms).toLocaleString();
}

/** Hours for a label: "15 h", "0.8 h", "63 h" (never a long float). */
export function formatHours(h: number): string {
    const r = h >= 10 ? Math.round(h) : Math.round(h * 10) / 10;
    return `${r} h`;
}
