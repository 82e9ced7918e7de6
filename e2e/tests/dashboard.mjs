// Launch, start from the window, stop from the tray, quit from the tray.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {assert} from '../lib/suite.mjs';
import {arm, hit, sidebar} from '../lib/page.mjs';
import {
    cliStatus,
    sandboxRequests,
    sandboxUrlFromLog,
    screenshotDisplay,
    waitExit,
    windowVisible,
} from '../lib/app.mjs';
import {trayClick, trayLayout} from '../lib/tray.mjs';

const listShown = (n) =>
    document.querySelectorAll('nav[aria-label="Environments"] [role="listitem"]').length >= n &&
    [...document.querySelectorAll('nav[aria-label="Environments"] [role="listitem"]')]
        .map((li) => `${li.getAttribute('aria-label')}=${li.dataset.state}`)
        .join(' ') +
        ' | ' +
        (document.querySelector('[role="main"]')?.textContent.match(/(live|last known state), read at/)?.[0] ??
            'not read');
const liveShown = () =>
    /live, read at/.test(document.querySelector('[role="main"]')?.textContent ?? '') &&
    ![...document.querySelectorAll('nav[aria-label="Environments"] [role="listitem"]')].some(
        (li) => li.dataset.state === 'unknown',
    ) &&
    [...document.querySelectorAll('nav[aria-label="Environments"] [role="listitem"]')]
        .map((li) => `${li.getAttribute('aria-label')}=${li.dataset.state}`)
        .join(' ');

// The instances of the examples' world, by stage of three-tier.
export const threeTier = {
    database: ['i-0db00000000000001'],
    api: ['i-0a100000000000001', 'i-0a100000000000002'],
    worker: ['i-0b100000000000001'],
    web: ['i-0c100000000000001', 'i-0c100000000000002'],
};

/** Opens a fresh browser context on the app and times the environment list from the app's launch. */
export async function openAndTimeList(ctx, app, envCount) {
    const context = await ctx.browser.newContext({viewport: {width: 1280, height: 800}});
    const page = await context.newPage();
    ctx.suite.page = page;
    await page.goto(app.url, {waitUntil: 'commit'});
    await arm(page, 'list', listShown, envCount);
    await arm(page, 'live', liveShown);
    const list = await hit(page, 'list', 10_000);
    const pageStart = await page.evaluate(() => performance.timeOrigin);
    const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0);
    console.log(
        `  (process start → UI served ${(app.servingEpoch - app.t0Epoch).toFixed(0)} ms; page load → DOMContentLoaded ${nav.toFixed(0)} ms)`,
    );
    return {page, list, pageStart, live: () => hit(page, 'live', 20_000)};
}

export async function launchFresh(ctx, app) {
    const {page, list, pageStart, live} = await openAndTimeList(ctx, app, 3);
    ctx.page = page;
    const fromExec = list.at - app.t0Epoch;
    // The budget is the production window's (window.mjs); this path adds wails dev's asset server and a cold Chromium.
    ctx.suite.figure('launch → environment list, fresh, dev build in Chromium (from process start)', fromExec, 'ms');
    ctx.suite.figure('launch → environment list, fresh (from page load)', list.at - pageStart, 'ms');
    console.log(`  first shown: ${list.value}`);
    const l = await live();
    ctx.suite.figure('launch → live states, fresh (from process start)', l.at - app.t0Epoch, 'ms');
    console.log(`  live: ${l.value}`);
    const names = (await sidebar(page)).map((e) => e.name);
    assert(
        JSON.stringify([...names].sort()) === JSON.stringify(['analytics', 'scratch', 'three-tier']),
        `the sidebar lists ${names.join(', ')}`,
    );
    assert(await page.getByTestId('sandbox-badge').isVisible(), 'the Sandbox marker is not shown');
    // The real window (WebKitGTK) is up too, titled for the sandbox.
    for (let i = 0; i < 100 && !windowVisible('Cloud Control (Sandbox)'); i++) await sleep(100);
    assert(windowVisible('Cloud Control (Sandbox)'), 'no visible X window titled "Cloud Control (Sandbox)"');
}

/**
 * The window (its sidebar), the tray (its label) and the command line
 * (`env status --json`) all say `want` for env; waits up to 10 s for the
 * three to settle on it. Returns the command line's status.
 */
async function statesAgree(ctx, app, env, want) {
    ctx.sandboxUrl ??= await sandboxUrlFromLog(app.home);
    ctx.trayService ??= await ctx.watcher.nextItem(0);
    let seen;
    for (const end = Date.now() + 10_000; Date.now() < end; await sleep(100)) {
        const win = (await sidebar(ctx.page)).find((e) => e.name === env)?.state;
        const tray = trayLayout(ctx.trayService).find((it) => it.label.startsWith(`${env} — `))?.label;
        const cli = await cliStatus(app, ctx.sandboxUrl, env);
        seen = {win, tray, cli: cli.state};
        if (win === want && cli.state === want && tray?.startsWith(`${env} — ${want}`)) {
            console.log(`  ${env}: window, tray and env status all say ${want}`);
            return cli;
        }
    }
    throw new Error(
        `${env}: want ${want} everywhere, but the window says ${seen.win}, the tray "${seen.tray}", env status ${seen.cli}`,
    );
}

export async function startThreeTier(ctx, app) {
    const page = ctx.page;
    await page.getByRole('navigation', {name: 'Environments'}).getByTestId('env-item-three-tier').click();
    await page.getByRole('main', {name: 'Environment three-tier'}).waitFor();
    await page.screenshot({path: path.join(ctx.out, 'dashboard.png')});
    screenshotDisplay(path.join(ctx.out, 'window-dashboard.png'));

    await page.getByRole('button', {name: 'Start', exact: true}).click();
    const dialog = page.getByRole('dialog', {name: 'Start three-tier?'});
    await dialog.waitFor();
    // The plan is read from AWS after the dialog opens: wait for its stages (rendered in one commit).
    const plan = dialog.getByRole('table', {name: 'Stages in order'}).locator('tbody[aria-label^="Stage "]');
    await plan.first().waitFor({timeout: 15_000});
    const stages = await plan.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert(
        stages[0] === 'Stage database' && stages[3] === 'Stage web' && stages.length === 4,
        `the plan lists the stages as ${stages.join(', ')}; expected database first and web last`,
    );
    const target = await dialog.getByTestId('plan-target').textContent();
    assert(/123456789012/.test(target) && /eu-west-1/.test(target), `the plan's target says "${target}"`);

    // Record every stage's progress status as the page shows it.
    await page.evaluate(() => {
        window.__transitions = [];
        const seen = {};
        const record = () => {
            for (const el of document.querySelectorAll('[data-testid^="progress-"]')) {
                const stage = el.dataset.testid.slice('progress-'.length);
                if (seen[stage] !== el.dataset.status) {
                    seen[stage] = el.dataset.status;
                    window.__transitions.push({stage, status: el.dataset.status, t: performance.now()});
                }
            }
        };
        new MutationObserver(record).observe(document.body, {
            subtree: true,
            childList: true,
            attributes: true,
            attributeFilter: ['data-status'],
        });
    });
    await dialog.getByRole('button', {name: 'Confirm start'}).click();
    const progress = page.getByRole('region', {name: 'Run progress'});
    await page.locator('[data-testid="progress-api"][data-status="active"]').waitFor({timeout: 30_000});
    await page.screenshot({path: path.join(ctx.out, 'run-in-progress.png')});
    screenshotDisplay(path.join(ctx.out, 'window-run-in-progress.png'));
    // While the window shows the start in progress, the command line says
    // starting and who holds it, as the window and the tray do.
    const during = await statesAgree(ctx, app, 'three-tier', 'starting');
    assert(
        during.holder?.action === 'start' && during.holder?.client === 'window' && during.holder?.pid === app.proc.pid,
        `env status --json names the holder ${JSON.stringify(during.holder)}; expected the window's start (pid ${app.proc.pid})`,
    );
    assert(
        (await page.locator('[data-testid="run-progress"][data-status="running"]').count()) === 1,
        'the start had ended before env status was read: the check proved nothing',
    );
    await page.locator('[data-testid="run-progress"][data-status="done"]').waitFor({timeout: 60_000});
    assert(await progress.isVisible(), 'the run progress is not shown');
    await page.screenshot({path: path.join(ctx.out, 'run-done.png')});

    // The page saw every stage go active, then ready. (Their relative order is
    // checked on the Go side's event log and the sandbox's request log below:
    // Wails's dev server writes each pushed event to the browser from its own
    // goroutine, so two events a few ms apart can reach the page swapped.)
    const tr = await page.evaluate(() => window.__transitions);
    const first = (stage, status) => tr.find((x) => x.stage === stage && x.status === status)?.t;
    for (const s of Object.keys(threeTier)) {
        assert(
            first(s, 'ready') !== undefined && first(s, 'active') <= first(s, 'ready'),
            `stage ${s} did not show active then ready: ${JSON.stringify(tr)}`,
        );
    }
    console.log('  stages seen: ' + tr.map((x) => `${x.stage}:${x.status}`).join(' '));
    const log = await page.evaluate(() => window.go.desktop.Environments.RunLog('three-tier'));
    const at = (type, stage) => log.findIndex((e) => e.type === type && e.stage === stage);
    assert(
        at('stage-ready', 'database') >= 0 &&
            at('stage-ready', 'database') < Math.min(at('stage-started', 'api'), at('stage-started', 'worker')),
        `RunLog: api/worker started before database was ready: ${log.map((e) => `${e.type}:${e.stage ?? ''}`).join(' ')}`,
    );
    assert(
        Math.max(at('stage-ready', 'api'), at('stage-ready', 'worker')) < at('stage-started', 'web'),
        `RunLog: web started before api and worker were ready: ${log.map((e) => `${e.type}:${e.stage ?? ''}`).join(' ')}`,
    );

    // The sandbox's own record: the order the StartInstances calls reached it.
    ctx.sandboxUrl = await sandboxUrlFromLog(app.home);
    const overviewUrl = await page.evaluate(() => window.go.desktop.Environments.Overview().then((o) => o.sandboxUrl));
    assert(
        overviewUrl === ctx.sandboxUrl,
        `Overview().sandboxUrl ${overviewUrl} differs from the logged ${ctx.sandboxUrl}`,
    );
    const starts = (await sandboxRequests(ctx.sandboxUrl)).filter(
        (r) => r.action === 'StartInstances' && r.status === 200,
    );
    assertOrder(starts, ['database', ['api', 'worker'], 'web'], 'start');
    const after = await statesAgree(ctx, app, 'three-tier', 'running');
    assert(
        after.holder === undefined,
        `env status still names a holder once the start ended: ${JSON.stringify(after.holder)}`,
    );
}

/** Checks the calls touched the stages' instances in these groups' order. */
export function assertOrder(calls, groups, what) {
    const when = (stage) => {
        const hits = calls.filter((c) => c.instanceIds?.some((id) => threeTier[stage].includes(id)));
        assert(hits.length > 0, `no ${what} call for stage ${stage} in the sandbox's request log`);
        const ids = new Set(hits.flatMap((c) => c.instanceIds));
        for (const id of threeTier[stage]) assert(ids.has(id), `${id} (${stage}) was never sent a ${what}`);
        return hits.map((c) => Date.parse(c.time));
    };
    const flat = groups.map((g) => [g].flat());
    for (let i = 1; i < flat.length; i++) {
        const before = Math.max(...flat[i - 1].flatMap(when));
        const after = Math.min(...flat[i].flatMap(when));
        assert(after >= before, `${what}: ${flat[i].join('/')} was sent before ${flat[i - 1].join('/')} was done`);
    }
    console.log(`  sandbox ${what} order: ` + calls.map((c) => c.instanceIds.join(',')).join(' → '));
}

export async function trayStop(ctx, app) {
    const page = ctx.page;
    ctx.sandboxUrl ??= await sandboxUrlFromLog(app.home);
    ctx.trayService = await ctx.watcher.nextItem(0);
    const names = (await sidebar(page)).map((e) => e.name);
    const k = names.indexOf('three-tier');
    let layout;
    for (let i = 0; i < 100; i++) {
        layout = trayLayout(ctx.trayService);
        if (
            layout.some((it) => it.label.startsWith('three-tier — running')) &&
            layout.find((it) => it.label === 'Stop three-tier')?.enabled
        )
            break;
        await sleep(50);
    }
    fs.writeFileSync(path.join(ctx.out, 'tray-layout.json'), JSON.stringify(layout, null, 1));
    const label = layout.find((it) => it.id === 3 + 2 * k);
    const stop = layout.find((it) => it.label === 'Stop three-tier');
    // API.md: `NAME — STATE` (the tray may add more after it, e.g. the hourly cost).
    assert(
        label?.label.startsWith('three-tier — running'),
        `tray item ${3 + 2 * k} reads "${label?.label}", not "three-tier — running"`,
    );
    assert(
        stop && stop.id === 4 + 2 * k && stop.enabled && stop.visible,
        `"Stop three-tier" is ${JSON.stringify(stop)}; expected id ${4 + 2 * k}, enabled`,
    );
    const top = layout.filter((it) => it.depth === 1 && it.visible && it.type !== 'separator');
    assert(
        layout.find((it) => it.id === 44)?.label === 'Quit' && top.at(-1)?.id === 44,
        'tray item 44 is not Quit, last in the menu',
    );
    assert(layout.find((it) => it.id === 30)?.label.startsWith('Profile: '), 'tray item 30 is not the profile submenu');

    const before = (await sandboxRequests(ctx.sandboxUrl)).length;
    trayClick(ctx.trayService, stop.id);
    await page
        .locator('nav[aria-label="Environments"] [role="listitem"][aria-label="three-tier"][data-state="stopping"]')
        .waitFor({timeout: 30_000});
    const during = await statesAgree(ctx, app, 'three-tier', 'stopping');
    assert(
        during.holder?.action === 'stop' && during.holder?.client === 'tray',
        `env status --json names the holder ${JSON.stringify(during.holder)}; expected the tray's stop`,
    );
    await page
        .locator('nav[aria-label="Environments"] [role="listitem"][aria-label="three-tier"][data-state="stopped"]')
        .waitFor({timeout: 60_000});
    const stops = (await sandboxRequests(ctx.sandboxUrl))
        .slice(before)
        .filter((r) => r.action === 'StopInstances' && r.status === 200);
    assertOrder(stops, ['web', ['api', 'worker'], 'database'], 'stop');
    let after;
    for (let i = 0; i < 100; i++) {
        after = trayLayout(ctx.trayService);
        if (after.find((it) => it.id === 3 + 2 * k)?.label.startsWith('three-tier — stopped')) break;
        await sleep(50);
    }
    assert(
        after.find((it) => it.id === 3 + 2 * k)?.label.startsWith('three-tier — stopped'),
        'the tray does not say three-tier is stopped',
    );
    assert(
        after.find((it) => it.id === 4 + 2 * k)?.enabled === false,
        '"Stop three-tier" is still enabled once stopped',
    );
    await statesAgree(ctx, app, 'three-tier', 'stopped');
}

export async function trayQuit(ctx, app) {
    trayClick(ctx.trayService, 44);
    assert(await waitExit(app, 10_000), "the app is still running 10 s after the tray's Quit");
    assert(app.proc.exitCode === 0, `the app exited with code ${app.proc.exitCode} after Quit`);
}
