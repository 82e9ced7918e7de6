// Browser-side helpers: time DOM conditions on the page's own clock and
// read the sidebar. Times are epoch milliseconds (performance.timeOrigin +
// performance.now()) on both sides, so the test process's "before the file
// was written" and the page's "the window shows it" compare directly.

/**
 * Arms a watcher in the page: from now on, at every animation frame (about
 * when the page is painted), `predicate` is checked; the first frame it
 * holds is recorded under `key`. Resolves once armed.
 */
export async function arm(page, key, predicate, arg) {
    await page.evaluate(
        ({key, src, arg}) => {
            // Indirect eval: the predicate's source runs in the page's global scope.
            const pred = (0, eval)(`(${src})`);
            const hits = (window.__e2eHits ??= {});
            delete hits[key];
            const tick = () => {
                let v;
                try {
                    v = pred(arg);
                } catch {
                    v = false;
                }
                if (v) hits[key] = {at: performance.timeOrigin + performance.now(), value: v};
                else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
        },
        {key, src: predicate.toString(), arg},
    );
}

/** Waits for an armed condition; returns {at, value}. */
export async function hit(page, key, timeout = 15_000) {
    const h = await page.waitForFunction((k) => window.__e2eHits?.[k], key, {timeout, polling: 50});
    return h.jsonValue();
}

/** The sidebar's environments in order: [{name, state}]. */
export async function sidebar(page) {
    return page.evaluate(() =>
        [...document.querySelectorAll('nav[aria-label="Environments"] [role="listitem"]')].map((li) => ({
            name: li.getAttribute('aria-label'),
            state: li.dataset.state,
        })),
    );
}

export function nowEpoch() {
    return performance.timeOrigin + performance.now();
}
