// The instance table in WebKitGTK (the real window's engine and fonts) at
// the window's first-launch size and at 900x600: every column header whole,
// Public IP / DNS and Uptime in view, no sideways scroll, instance ids whole,
// and the cost figures in the theme's font.
import path from 'node:path';
import {assert} from '../lib/suite.mjs';
import {openWebKit} from '../lib/webkit.mjs';

/** The real window's size on a first launch (app/desktop/window.go) and the narrow size the views are shot at. */
export const webkitSizes = [
    {width: 1100, height: 720},
    {width: 900, height: 600},
];

/** Runs in the page: opens env, waits until its table lists `row` and its layout holds still, then measures it. */
function measure(env, row) {
    const until = async (what, ok, ms = 20_000) => {
        for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
            if (ok()) return;
        throw new Error(`timed out waiting for ${what}`);
    };
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const table = () => document.querySelector('[role="table"][aria-label="Instances"]');
    return (async () => {
        await until('the sidebar', () => document.querySelector(`[data-testid="env-item-${env}"]`));
        document.querySelector(`[data-testid="env-item-${env}"]`).click();
        await until('live states', () => /live, read at/.test(document.querySelector('[role="main"]')?.textContent));
        await until(`${row} in the table`, () =>
            [...(table()?.querySelectorAll('[data-testid="instance-row"]') ?? [])].some((r) =>
                r.textContent.includes(row),
            ),
        );
        // The columns are sized once the table's box is measured (a ResizeObserver): wait for ten still frames.
        let last = '';
        for (let still = 0; still < 10;) {
            await frame();
            const now = `${table().dataset.columns} ${table().scrollWidth} ${innerWidth}`;
            still = now === last ? still + 1 : 0;
            last = now;
        }
        const t = table();
        const box = t.getBoundingClientRect();
        const heads = [...t.querySelectorAll('[role="columnheader"]')].map((h) => {
            const b = h.getBoundingClientRect();
            return {
                label: h.textContent.trim() || '(actions)',
                width: Math.round(b.width),
                left: b.left,
                right: b.right,
                clipped: h.scrollWidth > h.clientWidth,
            };
        });
        const scroll = t.querySelector('[data-testid="instance-scroll"]');
        // A state cell holds the badge and, while an instance boots, its progress bar: both whole.
        // Every row's cell of a column (the table says which columns it shows, in order).
        const cells = (key) => {
            const at = t.dataset.columns.split(' ').indexOf(key);
            return [...t.querySelectorAll('[data-testid="instance-row"]')].map(
                (r) => r.querySelectorAll('[role="cell"]')[at],
            );
        };
        const states = cells('state')
            .filter((c) => {
                const bar = c?.querySelector('[aria-label^="boot"]'); // squeezed, not overflowing: a flex item
                return c && (c.scrollWidth > c.clientWidth || (bar && bar.getBoundingClientRect().width < 30));
            })
            .map((c) => c.closest('[role="row"]').textContent.slice(0, 20));
        const ids = cells('id')
            .filter((c) => c && c.scrollWidth > c.clientWidth)
            .map((c) => c.textContent);
        const figure = document.querySelector('[data-testid="cost-hourly-running"] p:last-child');
        // A font list that resolves to the serif at weight 700 (as system-ui does on some WebKitGTK desktops).
        const width = (font) => {
            const c = document.createElement('canvas').getContext('2d');
            c.font = font;
            return c.measureText('$0.32 Overnight 1.87').width;
        };
        const body = getComputedStyle(document.body).fontFamily;
        // Each environment's line under its name stays one line (it ends in "…" and says the rest in its title).
        const wrapped = [...document.querySelectorAll('nav[aria-label="Environments"] [role="listitem"]')]
            .map((li) => ({name: li.getAttribute('aria-label'), d: li.querySelector('.mantine-NavLink-description')}))
            .filter(({d}) => d && d.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(d).lineHeight))
            .map(({name, d}) => `${name} ("${d.textContent}", ${d.getBoundingClientRect().height} px)`);
        return {
            viewport: [innerWidth, innerHeight],
            wrapped,
            columns: t.dataset.columns,
            table: {left: box.left, right: box.right, scrollWidth: t.scrollWidth, clientWidth: t.clientWidth},
            body: {scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth},
            clippedStates: states,
            heads,
            truncatedIds: ids,
            fonts: {
                body,
                cost: figure && getComputedStyle(figure).fontFamily,
                serif: width(`700 14px ${body}`) === width('700 14px serif'),
            },
        };
    })();
}

/** app's window in WebKitGTK at each size shows env's table whole, with row (e.g. a launched instance) in it. */
export async function tableFitsInWebKit(ctx, app, env, row) {
    for (const size of webkitSizes) {
        const where = `WebKitGTK ${size.width}x${size.height}`;
        const wk = await openWebKit({url: app.url, ...size, out: ctx.out, label: `${size.width}x${size.height}`});
        try {
            const m = await wk.js(measure, env, row);
            // The screenshot shows the table (below the cost, lease and launch panels).
            await wk.js(() =>
                document.querySelector('[role="table"][aria-label="Instances"]').scrollIntoView({block: 'end'}),
            );
            await wk.screenshot(path.join(ctx.out, `webkit-dashboard-${size.width}x${size.height}.png`));
            const widths = m.heads.map((h) => `${h.label} ${h.width}`).join(', ');
            console.log(`  ${where}: table ${m.table.clientWidth} px: ${widths}`);
            assert(
                m.viewport[0] === size.width && m.viewport[1] === size.height,
                `${where}: the viewport is ${m.viewport.join('x')}`,
            );
            for (const label of ['Public IP / DNS', 'Uptime', '(actions)']) {
                const h = m.heads.find((x) => x.label === label);
                assert(h, `${where}: no ${label} column (columns: ${m.columns})`);
                assert(
                    h.left >= m.table.left - 1 && h.right <= m.table.right + 1,
                    `${where}: the ${label} column (${h.left}-${h.right}) is outside the table (${m.table.left}-${m.table.right})`,
                );
            }
            const clipped = m.heads.filter((h) => h.clipped).map((h) => h.label);
            assert(clipped.length === 0, `${where}: clipped column headers: ${clipped.join(', ')}`);
            assert(
                m.table.scrollWidth <= m.table.clientWidth + 1,
                `${where}: the table scrolls sideways (${m.table.scrollWidth} px of content in ${m.table.clientWidth})`,
            );
            assert(
                m.body.scrollWidth <= m.body.clientWidth,
                `${where}: the table's rows scroll sideways (${m.body.scrollWidth} px of rows in ${m.body.clientWidth})`,
            );
            assert(m.clippedStates.length === 0, `${where}: state cells cut short: ${m.clippedStates.join(', ')}`);
            assert(m.truncatedIds.length === 0, `${where}: instance ids cut short: ${m.truncatedIds.join(', ')}`);
            assert(
                m.fonts.cost === m.fonts.body,
                `${where}: the cost figures are in ${m.fonts.cost}, the window in ${m.fonts.body}`,
            );
            assert(m.wrapped.length === 0, `${where}: sidebar lines wrap: ${m.wrapped.join(', ')}`);
            assert(!m.fonts.serif, `${where}: the window's bold font (${m.fonts.body}) resolves to the serif`);
        } finally {
            await wk.close();
        }
    }
}
