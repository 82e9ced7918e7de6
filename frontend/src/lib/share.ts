// Structural sharing: what a refresh pushes is mostly what the window
// already has. share(prev, next) returns next, except that every part equal
// to the same part of prev is prev's own object, so React's memos and
// memoized rows see "unchanged" and skip the work (a refresh that only moved
// checkedAt re-renders the header, not 1,000 instance rows).

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function share<T>(prev: T, next: T): T {
    if (Object.is(prev, next)) return prev;
    if (Array.isArray(prev) && Array.isArray(next)) {
        let same = prev.length === next.length;
        const out = next.map((v, i) => {
            const s = i < prev.length ? share(prev[i], v) : v;
            if (s !== prev[i]) same = false;
            return s;
        });
        return (same ? prev : out) as T;
    }
    if (isObject(prev) && isObject(next) && !Array.isArray(prev) && !Array.isArray(next)) {
        const keys = Object.keys(next);
        let same =
            keys.length === Object.keys(prev).length && Object.getPrototypeOf(prev) === Object.getPrototypeOf(next);
        const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(next));
        for (const k of keys) {
            const s = k in prev ? share(prev[k], next[k]) : next[k];
            if (s !== prev[k] || !(k in prev)) same = false;
            out[k] = s;
        }
        return (same ? prev : out) as T;
    }
    return next;
}
