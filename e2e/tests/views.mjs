// Every view of the window at 1280x800 and 900x600, light and dark: a
// screenshot of each into the output folder, axe on each (no serious or
// critical violation), and the points of issue 10 a test can check: the
// states after a failed and a cancelled start (window and tray), button
// emphasis, freshness within seconds of a failed read, the instance table's
// columns at both sizes and at the real window's default size, Confirm in
// view at 900x600.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {AxeBuilder} from '@axe-core/playwright';
import {assert, withinBudget} from '../lib/suite.mjs';
import {nowEpoch} from '../lib/page.mjs';
import {copyExamples, sandboxUrlFromLog} from '../lib/app.mjs';
import {trayLayout} from '../lib/tray.mjs';

export const sizes = [
    {name: '1280x800', width: 1280, height: 800},
    {name: '900x600', width: 900, height: 600},
];
export const schemes = ['light', 'dark'];

/** The real window's size on a first launch (app/desktop/window.go). */
const windowDefault = {width: 1100, height: 720};

const kafka1 = 'i-0d100000000000001';

/** A folder of the examples plus one broken file, for the views app. */
export function viewsFolder(tmp) {
    const dir = path.join(tmp, 'views-environments');
    copyExamples(dir);
    // A YAML syntax error: the caret must sit at its column (just past the unclosed list).
    fs.writeFileSync(
        path.join(dir, 'broken.yaml'),
        'description: broken on purpose\nregion: eu-west-1\nstages:\n  - name: reports\n    instances: [{name: reports-1}\n',
    );
    return dir;
}

async function open(ctx, app, {width, height}, scheme) {
    const context = await ctx.browser.newContext({viewport: {width, height}, colorScheme: scheme});
    const page = await context.newPage();
    ctx.suite.page = page;
    await page.goto(app.url);
    await page.locator('nav[aria-label="Environments"] [role="listitem"]').first().waitFor({timeout: 20_000});
    // Sized below 1000 px the sidebar folds away; the views are reached through it.
    return page;
}

async function choose(page, name) {
    const nav = page.getByRole('navigation', {name: 'Environments'});
    const fold = page.getByRole('button', {name: 'Show the environments'});
    if (await fold.isVisible()) await fold.click(); // narrow: the sidebar is folded away

    await nav.getByTestId(`env-item-${name}`).click();
    await page.getByRole('main', {name: `Environment ${name}`}).waitFor();
    await page.mouse.move(0, 0); // no hover tooltips in the shot
}

/**
 * Waits until no CSS transition or animation runs (a dialog fading in, a menu
 * opening; a spinner's endless one aside): colours read mid-fade are blends,
 * not what the view shows.
 */
export async function settled(page) {
    await page.waitForFunction(
        () =>
            document
                .getAnimations()
                .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
        null,
        {timeout: 5_000},
    );
}

/** Runs axe on what the page shows, once it is still; returns its serious and critical violations, worded. */
export async function axe(page) {
    await settled(page);
    const res = await new AxeBuilder({page}).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return res.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
            (v) =>
                `${v.id} (${v.impact}): ${v.help} — ${v.nodes
                    .slice(0, 3)
                    .map(
                        (n) =>
                            n.target.join(' ') +
                            (n.failureSummary ? ` [${n.failureSummary.split('\n')[1]?.trim()}]` : ''),
                    )
                    .join('; ')}`,
        );
}

/** A screenshot of the view and axe on it; violations are gathered for the closing assertion. */
async function shoot(ctx, page, view, size, scheme) {
    await settled(page);
    const file = `view-${view}-${size.name}-${scheme}.png`;
    await page.screenshot({path: path.join(ctx.out, file)});
    ctx.shots.push(file);
    for (const v of await axe(page)) ctx.axeProblems.push(`${view} ${size.name} ${scheme}: ${v}`);
}

/** The instance table shows these columns whole, within its own box (not clipped off its right edge). */
async function columnsShown(page, labels, where) {
    const table = page.getByRole('table', {name: 'Instances'});
    const box = await table.boundingBox();
    for (const label of labels) {
        const h = table.getByRole('columnheader', {name: label, exact: true});
        assert((await h.count()) === 1, `${where}: the instance table has no ${label} column`);
        const b = await h.boundingBox();
        assert(
            b && b.x >= box.x - 1 && b.x + b.width <= box.x + box.width + 1,
            `${where}: the ${label} column is clipped (column ${JSON.stringify(b)}, table ${JSON.stringify(box)})`,
        );
    }
}

async function emphasis(page, name) {
    return page.getByRole('button', {name, exact: true}).first().getAttribute('data-emphasis');
}

/** The views of the window as it first opens, at every size and scheme. */
export async function freshViews(ctx, app) {
    for (const size of sizes) {
        for (const scheme of schemes) {
            const page = await open(ctx, app, size, scheme);
            const where = `${size.name} ${scheme}`;
            await choose(page, 'three-tier');
            await page.getByText(/live, read at/).waitFor({timeout: 20_000});
            await page.getByTestId('cost-hourly-running').getByText('$').waitFor({timeout: 15_000});
            await columnsShown(
                page,
                ['Name', 'Instance ID', 'State', 'Private IP', 'Public IP / DNS', 'Uptime'],
                where,
            );
            // Stopped: Start is the one solid action, Stop a plain (not pale) button.
            assert(
                (await emphasis(page, 'Start')) === 'primary' && (await emphasis(page, 'Stop')) === 'secondary',
                `${where}: a stopped three-tier's Start is ${await emphasis(page, 'Start')}, Stop ${await emphasis(page, 'Stop')}`,
            );
            await shoot(ctx, page, 'dashboard', size, scheme);

            await page.getByRole('button', {name: 'Actions for shop-db'}).click();
            await page.getByTestId('instance-menu').waitFor();
            await page.getByTestId('instance-menu').getByText('the sandbox has no AWS console').waitFor();
            await shoot(ctx, page, 'instance-menu', size, scheme);
            await page.keyboard.press('Escape');

            await page.getByRole('button', {name: 'Start', exact: true}).click();
            const dialog = page.getByRole('dialog', {name: 'Start three-tier?'});
            await dialog.getByTestId('plan').waitFor({timeout: 15_000});
            const confirm = dialog.getByRole('button', {name: 'Confirm start'});
            const b = await confirm.boundingBox();
            assert(
                b && b.y >= 0 && b.y + b.height <= size.height,
                `${where}: Confirm start is out of view (${JSON.stringify(b)} in a ${size.height} px window)`,
            );
            await shoot(ctx, page, 'plan', size, scheme);
            await dialog.getByRole('button', {name: 'Close', exact: true}).click();
            await dialog.waitFor({state: 'detached'});

            await choose(page, 'broken');
            const region = page.getByRole('region', {name: 'File problems'});
            await region.waitFor();
            const text = await region.textContent();
            assert(
                /broken\.yaml:5:34\s*not valid YAML/.test(text),
                `${where}: the broken file's problem reads "${text}"`,
            );
            const marked = await page
                .locator('nav [role="listitem"][aria-label="broken"]')
                .getAttribute('data-file-problem')
                .catch(() => null);
            assert(marked === 'true' || size.width < 1000, `${where}: the sidebar does not mark the broken file`);
            await shoot(ctx, page, 'broken-file', size, scheme);

            await page.getByRole('button', {name: 'Reports'}).click();
            await page.getByRole('table', {name: 'Usage by instance'}).waitFor({timeout: 15_000});
            await shoot(ctx, page, 'reports', size, scheme);

            await page.getByRole('button', {name: 'Profiles'}).click();
            await page.getByRole('table', {name: 'Profiles'}).waitFor({timeout: 15_000});
            await shoot(ctx, page, 'profiles', size, scheme);

            await page.getByRole('button', {name: 'Settings', exact: true}).click();
            await page.getByRole('dialog', {name: 'Settings'}).getByTestId('app-version').waitFor();
            await shoot(ctx, page, 'settings', size, scheme);
            await page.context().close();
        }
    }
    // The real window's default size: Public IP and Uptime still in view.
    const page = await open(ctx, app, windowDefault, 'light');
    await choose(page, 'three-tier');
    await columnsShown(page, ['Public IP / DNS', 'Uptime'], 'the window default size 1100x720');
    await page.context().close();
}

async function everyVariant(ctx, app, view, env, ready) {
    for (const size of sizes) {
        for (const scheme of schemes) {
            const page = await open(ctx, app, size, scheme);
            await choose(page, env);
            await ready(page);
            await shoot(ctx, page, view, size, scheme);
            await page.context().close();
        }
    }
}

/** The run's stages as the stage graph shows them: [{stage, status}]. */
const stageStatuses = (page) =>
    page.evaluate(() =>
        [...document.querySelectorAll('[data-testid^="progress-"]')].map((el) => ({
            stage: el.dataset.testid.slice('progress-'.length),
            status: el.dataset.status,
        })),
    );

async function trayLabel(ctx, env) {
    for (let i = 0; i < 100; i++) {
        const it = trayLayout(ctx.viewsTray).find((x) => x.label.startsWith(`${env} — `));
        if (it?.label.startsWith(`${env} — needs attention`)) return it.label;
        await sleep(50);
    }
    return trayLayout(ctx.viewsTray).find((x) => x.label.startsWith(`${env} — `))?.label;
}

/** Chooses name, asks to start it and confirms the plan. */
async function confirmStart(page, name) {
    await choose(page, name);
    await page.getByRole('button', {name: 'Start', exact: true}).click();
    const dialog = page.getByRole('dialog', {name: `Start ${name}?`});
    await dialog.getByTestId('plan').waitFor({timeout: 15_000});
    await dialog.getByRole('button', {name: 'Confirm start'}).click();
}

/** A start that fails: needs attention in the sidebar, the header and the tray; no stage left active or waiting. */
export async function failedStart(ctx, app) {
    const sandbox = await sandboxUrlFromLog(app.home);
    const res = await fetch(new URL(`/_sandbox/instances/${kafka1}/fail-start`, sandbox), {method: 'POST'});
    assert(res.ok, `POST fail-start: HTTP ${res.status}`);
    const page = await open(ctx, app, sizes[0], 'light');
    await confirmStart(page, 'analytics');
    await page.locator('[data-testid="run-progress"][data-status="failed"]').waitFor({timeout: 60_000});
    await page
        .locator('nav [role="listitem"][aria-label="analytics"][data-state="needs attention"]')
        .waitFor({timeout: 10_000});
    const header = await page
        .getByRole('main', {name: 'Environment analytics'})
        .getByTestId('state-badge')
        .first()
        .textContent();
    assert(/needs attention/.test(header), `the header says "${header}" after a failed start`);
    const stages = await stageStatuses(page);
    assert(
        stages.length > 0 && !stages.some((s) => s.status === 'active' || s.status === 'pending'),
        `after the failure stages still read active or waiting: ${JSON.stringify(stages)}`,
    );
    assert(
        (await page.getByRole('button', {name: 'Resume'}).getAttribute('data-emphasis')) === 'primary' &&
            (await page.getByRole('button', {name: 'Stop what was left running'}).isVisible()),
        'after the failure Resume is not the solid action, or "Stop what was left running" is missing',
    );
    const label = await trayLabel(ctx, 'analytics');
    assert(label?.startsWith('analytics — needs attention'), `the tray says "${label}" after a failed start`);
    console.log(
        `  failed start: window and tray say needs attention; stages ${stages.map((s) => `${s.stage}:${s.status}`).join(' ')}`,
    );
    await page.context().close();
    await fetch(new URL(`/_sandbox/instances/${kafka1}/fail-start`, sandbox), {method: 'DELETE'});
    await everyVariant(ctx, app, 'failed-start', 'analytics', (p) => p.getByTestId('run-failure').waitFor());
}

/** A start cancelled mid-way (asked first): no stage still active or waiting, no "context canceled". */
export async function cancelledStart(ctx, app) {
    const page = await open(ctx, app, sizes[0], 'light');
    await confirmStart(page, 'three-tier');
    await page.locator('[data-testid="progress-database"][data-status="active"]').waitFor({timeout: 30_000});
    await page.getByRole('button', {name: 'Cancel run'}).click();
    const ask = page.getByRole('dialog', {name: 'Cancel the start of three-tier?'});
    await ask.waitFor();
    await ask.getByRole('button', {name: 'Cancel the run'}).click();
    await page.locator('[data-testid="run-progress"][data-status="cancelled"]').waitFor({timeout: 30_000});
    await page
        .locator('nav [role="listitem"][aria-label="three-tier"][data-state="needs attention"]')
        .waitFor({timeout: 10_000});
    const stages = await stageStatuses(page);
    assert(
        !stages.some((s) => s.status === 'active' || s.status === 'pending'),
        `after the cancel stages still read active or waiting: ${JSON.stringify(stages)}`,
    );
    const graph = await page.getByRole('list', {name: 'Stages'}).textContent();
    assert(!/waiting for/.test(graph), `after the cancel the stage graph still says "waiting for": ${graph}`);
    const words = await page.getByTestId('run-progress').textContent();
    assert(!/context canceled/.test(words), `the cancelled run says "context canceled": ${words}`);
    const label = await trayLabel(ctx, 'three-tier');
    assert(label?.startsWith('three-tier — needs attention'), `the tray says "${label}" after a cancel`);
    console.log(`  cancelled start: ${stages.map((s) => `${s.stage}:${s.status}`).join(' ')}`);
    await page.context().close();
    await everyVariant(ctx, app, 'cancelled', 'three-tier', (p) => p.getByTestId('run-cancelled').waitFor());
}

/** AWS failing: "stale since" with the reason within seconds of Refresh, and the plan says why with Retry. */
export async function staleReads(ctx, app) {
    const sandbox = await sandboxUrlFromLog(app.home);
    const fault = await fetch(new URL('/_sandbox/faults', sandbox), {
        method: 'POST',
        body: JSON.stringify({kind: 'internal', action: 'DescribeInstances'}),
    });
    assert(fault.ok, `POST /_sandbox/faults: HTTP ${fault.status}`);
    try {
        const page = await open(ctx, app, sizes[0], 'light');
        await choose(page, 'three-tier');
        const t0 = nowEpoch();
        await page.getByTestId('refresh').click();
        await page.locator('[data-testid="freshness"][data-fresh="stale"]').waitFor({timeout: 30_000});
        const took = nowEpoch() - t0;
        ctx.suite.figure('AWS failing: Refresh → "stale since" with the reason', took, 'ms', 5000);
        const reason = await page.getByTestId('stale').textContent();
        assert(/Stale since/.test(reason) && /InternalError/.test(reason), `the stale notice reads "${reason}"`);
        assert(
            (reason.match(/eu-west-1/g) ?? []).length === 1,
            `the stale notice names the region more than once: "${reason}"`,
        );
        assert(took < 15_000, `"stale since" came ${took.toFixed(0)} ms after Refresh`);
        withinBudget(took < 5000, `"stale since" came ${took.toFixed(0)} ms after Refresh (budget 5 s)`);
        const t1 = nowEpoch();
        await page.getByRole('button', {name: 'Start', exact: true}).click();
        const dialog = page.getByRole('dialog', {name: 'Start three-tier?'});
        await dialog.getByTestId('plan-error').waitFor({timeout: 30_000});
        ctx.suite.figure('AWS failing: Start → the plan dialog says why', nowEpoch() - t1, 'ms', 5000);
        assert(await dialog.getByRole('button', {name: 'Retry'}).isVisible(), 'the failed plan offers no Retry');
        await page.context().close();
        await everyVariant(ctx, app, 'stale', 'three-tier', (p) => p.getByTestId('stale').waitFor({timeout: 30_000}));
        await everyVariant(ctx, app, 'plan-error', 'three-tier', async (p) => {
            await p.getByRole('button', {name: 'Start', exact: true}).click();
            await p.getByTestId('plan-error').waitFor({timeout: 30_000});
        });
    } finally {
        await fetch(new URL('/_sandbox/faults', sandbox), {method: 'DELETE'});
    }
}

/** The first run with no environment: the screen that explains, with Add folder and Open the examples. */
export async function firstRun(ctx, app) {
    for (const size of sizes) {
        for (const scheme of schemes) {
            const context = await ctx.browser.newContext({viewport: size, colorScheme: scheme});
            const page = await context.newPage();
            ctx.suite.page = page;
            await page.goto(app.url);
            const empty = page.getByRole('region', {name: 'No environments yet'});
            await empty.waitFor({timeout: 20_000});
            assert(
                (await empty.getByRole('button', {name: 'Add folder…'}).isVisible()) &&
                    (await empty.getByRole('button', {name: 'Open the examples'}).isVisible()),
                'the first-run screen lacks Add folder or Open the examples',
            );
            await shoot(ctx, page, 'first-run', size, scheme);
            await context.close();
        }
    }
}

/** The closing check: every view, size and scheme was shot, and axe found nothing serious. */
export function viewsChecked(ctx) {
    ctx.suite.figure('views screenshotted (every view, 2 sizes, light and dark)', ctx.shots.length, 'shots');
    ctx.suite.figure('axe: serious or critical violations', ctx.axeProblems.length, 'violations');
    fs.writeFileSync(path.join(ctx.out, 'axe.json'), JSON.stringify(ctx.axeProblems, null, 1));
    assert(
        ctx.axeProblems.length === 0,
        `axe found ${ctx.axeProblems.length} serious or critical violations:\n${[...new Set(ctx.axeProblems)].slice(0, 30).join('\n')}`,
    );
}
