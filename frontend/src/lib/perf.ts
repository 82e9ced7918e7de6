// Marks the browser end-to-end test reads to time an environment's first
// render: performance.getEntriesByName('cc:env-render') (see README).
export const RENDER_START = 'cc:env-render:start';
export const RENDER_MEASURE = 'cc:env-render';

const supported = () =>
    typeof performance !== 'undefined' &&
    typeof performance.mark === 'function' &&
    typeof performance.measure === 'function';

export function markRenderStart(): void {
    if (!supported()) return;
    performance.clearMarks(RENDER_START);
    performance.mark(RENDER_START);
}

/** Called once the environment's view is committed; measures from the last start mark, once. */
export function measureRender(env: string, rows: number): void {
    if (!supported() || performance.getEntriesByName(RENDER_START, 'mark').length === 0) return;
    performance.measure(RENDER_MEASURE, {start: RENDER_START, detail: {env, rows}});
    performance.clearMarks(RENDER_START);
}
