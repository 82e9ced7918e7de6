// A lease set from the window holds with the app closed: three-tier's runbooks
// deployed in a `sandbox serve` (the "AWS" that goes on without the app), the
// start with a lease made in the window, the app quit, the sandbox's clock
// moved past the lease: its scheduler runs the deployed stop runbook, which
// stops the stages in stop order, with no call of Cloud Control's.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {assert} from '../lib/suite.mjs';
import {
    advanceSandbox,
    clearSandboxRequests,
    cli,
    cliStatus,
    copyExamples,
    sandboxRequests,
    serveSandbox,
    stopApp,
    waitExit,
} from '../lib/app.mjs';
import {trayLayout} from '../lib/tray.mjs';
import {assertOrder} from './dashboard.mjs';
import {axe} from './views.mjs';

/** Its own copy of the examples (three-tier names its launch scripts beside it). */
function leaseFolder(tmp) {
    const dir = path.join(tmp, 'lease-environments');
    fs.mkdirSync(dir, {recursive: true});
    copyExamples(dir);
    return dir;
}

const LEASE = '10m';

export async function leaseKeptByAWS(ctx, {launch, binary, tmp, world}) {
    const sandbox = await serveSandbox({binary, world, speed: 10, out: ctx.out, label: 'lease'});
    let app;
    try {
        const home = path.join(tmp, 'home-lease');
        const dirs = [leaseFolder(tmp)];
        const deploy = await cli({home, dirs, binary}, sandbox.url, [
            'env',
            'deploy',
            'three-tier',
            '--create-roles',
            '--yes',
        ]);
        assert(/deployed three-tier: \d+ change\(s\) made/.test(deploy), `env deploy said:\n${deploy}`);
        console.log(`  deployed: ${deploy.trim().split('\n').at(-1)}`);

        const registered = ctx.watcher.registered.length;
        app = await launch({home, dirs, endpoint: sandbox.url, label: 'lease'});
        const tray = await ctx.watcher.nextItem(registered);
        const context = await ctx.browser.newContext({viewport: {width: 1280, height: 800}});
        const page = await context.newPage();
        ctx.suite.page = page;
        await page.goto(app.url);
        await page.getByTestId('env-item-three-tier').click();
        const main = page.getByRole('main', {name: 'Environment three-tier'});
        await main.waitFor();

        // Start with a lease: the plan says AWS will keep it (the stop runbook is deployed).
        await main.getByRole('button', {name: 'Start', exact: true}).click();
        const dialog = page.getByRole('dialog', {name: 'Start three-tier?'});
        await dialog.getByTestId('plan').waitFor({timeout: 15_000});
        await dialog.getByTestId('lease-choice').getByText('Custom', {exact: true}).click();
        await dialog.getByLabel('Lease length').fill(LEASE);
        await dialog.locator('[data-testid="lease-kept-by"][data-kept-by="aws"]').waitFor({timeout: 15_000});
        await page.screenshot({path: path.join(ctx.out, 'lease-plan.png')});
        const problems = (await axe(page)).map((v) => `start dialog with a lease: ${v}`);
        await dialog.getByRole('button', {name: 'Confirm start'}).click();
        await page.locator('[data-testid="run-progress"][data-status="done"]').waitFor({timeout: 120_000});

        // The window shows the lease (read back from the instances' tags) and AWS's lease schedule.
        const panel = main.getByTestId('lease-panel');
        await panel.getByRole('timer', {name: /^Lease of three-tier: lease ends in \d+m \d\ds$/}).waitFor();
        const now = await panel.getByTestId('lease-now').textContent();
        assert(/^Leased until .+ by \S+: lease ends in \d+m \d\ds$/.test(now), `the lease panel says "${now}"`);
        const who = await main.getByTestId('who').textContent();
        assert(/started by \S+, (just now|\d+m \d\ds ago)/.test(who), `the header says "${who}"`);
        const deployed = main.getByTestId('deployed');
        // Read for the plan's lease choice and again once the lease showed up: Refresh reads it once more.
        await deployed.getByRole('button', {name: /^(Read what is deployed|Refresh)$/}).click();
        const leaseRow = deployed.getByTestId('schedule-lease');
        await leaseRow.waitFor({timeout: 15_000});
        const row = await leaseRow.textContent();
        assert(/^lease.*at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\).*ENABLED/.test(row), `the lease schedule reads "${row}"`);
        await page.screenshot({path: path.join(ctx.out, 'lease-running.png')});
        problems.push(...(await axe(page)).map((v) => `running, leased: ${v}`));
        // End lease asks first; "Keep the lease" leaves it as it is.
        await panel.getByRole('button', {name: 'End lease'}).click();
        const ask = page.getByRole('dialog', {name: 'End the lease of three-tier?'});
        await ask.waitFor();
        problems.push(...(await axe(page)).map((v) => `End lease asked: ${v}`));
        await ask.getByRole('button', {name: 'Keep the lease'}).click();
        await ask.waitFor({state: 'hidden'});
        assert(problems.length === 0, `axe found serious or critical violations:\n${problems.join('\n')}`);
        // The tray's label counts the lease down too (in its last 15 minutes: a click extends it by an hour).
        let label;
        for (const end = Date.now() + 70_000; Date.now() < end; await sleep(200)) {
            label = trayLayout(tray).find((it) => it.label.startsWith('three-tier — '))?.label;
            if (/^three-tier — running — .* — lease ends in \d+ min: click to extend 1 hour$/.test(label ?? '')) break;
        }
        assert(
            /^three-tier — running — .* — lease ends in \d+ min: click to extend 1 hour$/.test(label ?? ''),
            `the tray's label reads "${label}"`,
        );
        console.log(`  tray: ${label}`);
        const before = await cliStatus(app, sandbox.url, 'three-tier');
        assert(
            before.state === 'running' && before.leaseUntil && before.deployed?.lease,
            `env status before the lease's end: ${JSON.stringify({state: before.state, leaseUntil: before.leaseUntil, lease: before.deployed?.lease})}`,
        );
        console.log(`  leased until ${before.leaseUntil}, schedule ${before.deployed.lease.expression}`);

        // The app closes; only AWS (the sandbox) is left.
        await context.close();
        await stopApp(app);
        assert(await waitExit(app, 1_000), 'the app is still running');

        await clearSandboxRequests(sandbox.url);
        const moved = await advanceSandbox(sandbox.url, '20m');
        console.log(`  sandbox clock ${moved.was} → ${moved.now}`);
        const log = await sandboxRequests(sandbox.url);
        const stops = log.filter(
            (r) => r.action === 'StopInstances' && !r.errorCode && (r.via ?? '').startsWith('automation'),
        );
        assertOrder(stops, ['web', ['api', 'worker'], 'database'], 'stop by the stop runbook');
        const own = log.filter((r) => !r.via).map((r) => r.action);
        assert(own.length === 0, `Cloud Control called ${own.join(', ')} while the lease ran out with the app closed`);

        const after = await cliStatus(app, sandbox.url, 'three-tier');
        assert(
            after.state === 'stopped' && !after.deployed?.lease,
            `env status after the lease's end: ${JSON.stringify({state: after.state, leaseUntil: after.leaseUntil, lease: after.deployed?.lease})}`,
        );
        console.log('  stopped by the deployed stop runbook in stop order, with the app closed');
    } finally {
        if (app) await stopApp(app).catch(() => {});
        await sandbox.stop();
    }
}
