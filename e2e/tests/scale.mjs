// The last known state on relaunch, and a 1,000-instance environment.
import fs from 'node:fs';
import path from 'node:path';
import {assert, withinBudget} from '../lib/suite.mjs';
import {sidebar} from '../lib/page.mjs';
import {repo} from '../lib/app.mjs';
import {openAndTimeList} from './dashboard.mjs';

/**
 * The examples' world with every instance already running and every
 * first DescribeInstances calls slowed by 1.5 s: live states come late, so what the
 * window shows first can only be the last known state (three-tier stopped).
 */
export function slowRunningWorld(dir) {
    const text = fs
        .readFileSync(path.join(repo, 'environments/sandbox/world.yaml'), 'utf8')
        .replaceAll('state: stopped', 'state: running');
    const file = path.join(dir, 'world-running-slow.yaml');
    fs.writeFileSync(
        file,
        text + '\nfaults:\n  - {kind: latency, action: DescribeInstances, latency: 1500ms, count: 4}\n',
    );
    return file;
}

export async function relaunchCached(ctx, app) {
    // What the last run left in the last-known-state cache is what must show first.
    const cache = JSON.parse(fs.readFileSync(path.join(app.home, 'state', 'dashboard-sandbox.json'), 'utf8'));
    const cached = cache['three-tier']?.state; // app/desktop/cache.go: env name → control.Status
    assert(cached, 'the last known state cache has no three-tier');
    const {page, list, pageStart, live} = await openAndTimeList(ctx, app, 2);
    ctx.page = page;
    const fromExec = list.at - app.t0Epoch;
    ctx.suite.figure(
        'launch → environment list, last known state, dev build in Chromium (from process start)',
        fromExec,
        'ms',
    );
    ctx.suite.figure('launch → environment list, last known state (from page load)', list.at - pageStart, 'ms');
    console.log(`  first shown: ${list.value}`);
    assert(
        list.value.includes(`three-tier=${cached}`) && /last known state/.test(list.value),
        `the first list is not the last known state (three-tier ${cached}, "last known state"): ${list.value}`,
    );
    const l = await live();
    ctx.suite.figure(
        'launch → live states, first DescribeInstances slowed by 1.5 s (from process start)',
        l.at - app.t0Epoch,
        'ms',
    );
    console.log(`  live: ${l.value}`);
    assert(/three-tier=running/.test(l.value), `the live state of three-tier is not running: ${l.value}`);
}

/** A world of 1,000 running instances (one `count:` entry) and two environments. */
export function bigWorld(dir) {
    const envs = path.join(dir, 'big-envs');
    fs.mkdirSync(envs, {recursive: true});
    fs.writeFileSync(
        path.join(dir, 'world-1000.yaml'),
        `account: "123456789012"
regions:
  eu-west-1:
    instances:
      - count: 1000
        type: t3.micro
        state: running
        tags: {Name: node, Env: big, Role: node}
      - type: t3.micro
        state: running
        tags: {Name: small-1, Env: small}
`,
    );
    fs.writeFileSync(
        path.join(envs, 'big.yaml'),
        'region: eu-west-1\nselect: {Env: big}\nstages:\n  - name: nodes\n    instances:\n      - tags: {Role: node}\n',
    );
    fs.writeFileSync(
        path.join(envs, 'small.yaml'),
        'region: eu-west-1\nselect: {Env: small}\nstages:\n  - name: one\n    instances:\n      - name: small-1\n',
    );
    return {world: path.join(dir, 'world-1000.yaml'), envs};
}

export async function thousandInstances(ctx) {
    const {page} = await openAndTimeList(ctx, ctx.bigApp, 2);
    ctx.page = page;
    await page
        .locator('nav[aria-label="Environments"] [role="listitem"][aria-label="big"][data-state="running"]')
        .waitFor({timeout: 20_000});
    const nav = page.getByRole('navigation', {name: 'Environments'});
    const renders = [];
    for (let i = 0; i < 5; i++) {
        await nav.getByTestId('env-item-small').click();
        await page.getByRole('main', {name: 'Environment small'}).waitFor();
        await page.evaluate(() => performance.clearMeasures('cc:env-render'));
        await nav.getByTestId('env-item-big').click();
        await page.getByRole('main', {name: 'Environment big'}).waitFor();
        await page.waitForFunction(() =>
            performance.getEntriesByName('cc:env-render', 'measure').some((e) => e.detail?.env === 'big'),
        );
        const entry = await page.evaluate(() => {
            const e = performance.getEntriesByName('cc:env-render', 'measure').find((x) => x.detail?.env === 'big');
            return {duration: e.duration, rows: e.detail.rows};
        });
        renders.push(entry);
    }
    assert(
        renders.every((r) => r.rows === 1000),
        `the render measure counted ${renders.map((r) => r.rows).join(', ')} rows, not 1000`,
    );
    const durations = renders.map((r) => r.duration).sort((a, b) => a - b);
    ctx.suite.figure('1,000-instance environment render (cc:env-render), first click', renders[0].duration, 'ms', 200);
    ctx.suite.figure('1,000-instance environment render (cc:env-render), median of 5', durations[2], 'ms', 200);
    ctx.suite.figure('1,000-instance environment render (cc:env-render), max of 5', durations[4], 'ms');
    const count = await page.getByTestId('instance-count').textContent();
    assert(/1000 instances/.test(count), `the instance count reads "${count}"`);
    const inDom = await page.getByTestId('instance-row').count();
    assert(
        inDom > 0 && inDom < 100,
        `${inDom} instance rows are in the DOM; the table should only render the visible ones`,
    );
    await page.screenshot({path: path.join(ctx.out, 'thousand-instances.png')});

    // Scroll the virtualized table programmatically, one step per frame, down
    // to the end and back, sampling requestAnimationFrame's timestamps.
    const s = await page.evaluate(
        () =>
            new Promise((done) => {
                const el = document.querySelector('[data-testid="instance-scroll"]');
                const frames = [];
                let last;
                let dir = 1;
                let turned = 0;
                const firstRows = [];
                const step = (now) => {
                    if (last !== undefined) frames.push(now - last);
                    last = now;
                    const max = el.scrollHeight - el.clientHeight;
                    let next = el.scrollTop + dir * 120; // 7,200 px/s: a fast wheel or fling
                    if (next >= max) {
                        next = max;
                        dir = -1;
                        turned++;
                    }
                    if (next <= 0 && dir < 0) {
                        next = 0;
                        dir = 1;
                        turned++;
                    }
                    el.scrollTop = next;
                    if (frames.length % 30 === 0)
                        firstRows.push(document.querySelector('[data-testid="instance-row"]')?.textContent ?? '');
                    if (turned >= 2 || frames.length >= 900) {
                        done({
                            frames,
                            max,
                            rows: document.querySelectorAll('[data-testid="instance-row"]').length,
                            distinct: new Set(firstRows).size,
                        });
                        return;
                    }
                    requestAnimationFrame(step);
                };
                requestAnimationFrame(step);
            }),
    );
    const period = 1000 / 60;
    const dropped = s.frames.reduce((n, d) => n + Math.max(0, Math.round(d / period) - 1), 0);
    const maxFrame = Math.max(...s.frames);
    const mean = s.frames.reduce((a, b) => a + b, 0) / s.frames.length;
    ctx.suite.figure(
        `scroll 1,000 rows (${s.frames.length} frames, ${s.max} px each way): max frame time`,
        maxFrame,
        'ms',
    );
    ctx.suite.figure('scroll 1,000 rows: mean frame time', mean, 'ms');
    ctx.suite.figure('scroll 1,000 rows: dropped frames at 60 Hz', dropped, 'frames');
    assert(s.distinct > 5, `the visible rows did not change while scrolling (${s.distinct} distinct first rows)`);
    assert(s.rows < 100, `${s.rows} rows in the DOM after scrolling`);
    withinBudget(
        durations[2] < 200,
        `the 1,000-instance render took ${durations[2].toFixed(0)} ms (median; budget 200 ms)`,
    );
    // Not 0: on a shared 2-CPU CI machine headless Chromium now and then
    // misses a frame even on a bare 30-row list, and the window's refresh
    // re-renders the view meanwhile; 2% is allowed (the table had 20-40%
    // before rows were memoized).
    const allowed = Math.max(2, Math.floor(s.frames.length / 50));
    withinBudget(
        dropped <= allowed,
        `${dropped} of ${s.frames.length} frames dropped while scrolling (max frame ${maxFrame.toFixed(1)} ms; allowed ${allowed})`,
    );
    return sidebar(page);
}
