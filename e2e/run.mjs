// End-to-end tests of the desktop app (see README.md). Run by
// scripts/e2e-desktop inside Xvfb and a private DBus session; prints
// "N passed, N failed" and exits non-zero on any failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
import {Suite} from './lib/suite.mjs';
import {copyExamples, launchApp, repo, stopApp} from './lib/app.mjs';
import {startWatcher} from './lib/tray.mjs';
import {launchFresh, startThreeTier, trayQuit, trayStop} from './tests/dashboard.mjs';
import {fileWatcher, scratch} from './tests/watch.mjs';
import {bigWorld, relaunchCached, slowRunningWorld, thousandInstances} from './tests/scale.mjs';
import {productionWindow, sigtermDuringStartUp} from './tests/window.mjs';
import {leaseKeptByAWS} from './tests/lease.mjs';
import {launchAndTerminate, launchFolder} from './tests/launch.mjs';
import {
    cancelledStart,
    failedStart,
    firstRun,
    freshViews,
    staleReads,
    viewsChecked,
    viewsFolder,
} from './tests/views.mjs';

const out = path.resolve(process.env.E2E_OUT ?? path.join(repo, '.ci/out/e2e-desktop'));
const binary = process.env.CC_DEV_BINARY ?? path.join(repo, 'build/bin/cloudcontrol-dev');
const prodBinary = process.env.CC_BINARY ?? path.join(repo, 'build/bin/cloudcontrol-e2e');
const snwatcher = process.env.CC_SNWATCHER ?? path.join(repo, 'build/bin/snwatcher');
fs.mkdirSync(out, {recursive: true});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-'));
// A copy of the examples, so the file-watcher test never edits the repository.
const envDir = path.join(tmp, 'environments');
copyExamples(envDir);
fs.writeFileSync(path.join(envDir, 'scratch.yaml'), scratch('first version'));
const home = path.join(tmp, 'home');
const world = path.join(repo, 'environments/sandbox/world.yaml');

const suite = new Suite(out);
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true, // playwright adds --headless and, with its default chromiumSandbox: false, --no-sandbox
    args: [
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
    ],
});
const watcher = await startWatcher(snwatcher);
const ctx = {suite, browser, watcher, out, shots: [], axeProblems: []};
const apps = [];
const launch = async (o) => {
    const app = await launchApp({binary, out, ...o});
    apps.push(app);
    return app;
};

try {
    let app;
    await suite.test(
        'launch on a fresh home: the environment list, then live states; the real window opens',
        async () => {
            app = await launch({home, dirs: [envDir], world, speed: 5, label: 'fresh'});
            await launchFresh(ctx, app);
        },
    );
    await suite.test('start three-tier from the window: plan dialog, stages progress, order kept in the sandbox', () =>
        startThreeTier(ctx, app),
    );
    await suite.test("stop three-tier from the tray's DBus menu: stopped in reverse order", () => trayStop(ctx, app));
    await suite.test('file watcher: edit, break, fix, rename and delete reach the window', () =>
        fileWatcher(ctx, envDir),
    );
    await suite.test('tray Quit ends the app', () => trayQuit(ctx, app));
    await ctx.page?.context().close();

    await suite.test('relaunch: the last known state first, then live', async () => {
        const again = await launch({home, dirs: [envDir], world: slowRunningWorld(tmp), speed: 5, label: 'relaunch'});
        try {
            await relaunchCached(ctx, again);
        } finally {
            await ctx.page?.context().close();
            await stopApp(again); // SIGTERM must end it too
        }
    });

    await suite.test(
        'a 1,000-instance environment renders under 200 ms and scrolls without dropped frames',
        async () => {
            const big = bigWorld(tmp);
            ctx.bigApp = await launch({
                home: path.join(tmp, 'home-big'),
                dirs: [big.envs],
                world: big.world,
                speed: 5,
                label: 'thousand',
            });
            try {
                await thousandInstances(ctx);
            } finally {
                await ctx.page?.context().close();
                await stopApp(ctx.bigApp);
            }
        },
    );

    // Launching from the window: its own app and folder (three-tier with its template's user data).
    if (suite.wantsAny('launch three-tier')) {
        const launcher = await launch({
            home: path.join(tmp, 'home-launch'),
            dirs: [launchFolder(tmp)],
            world,
            speed: 10,
            label: 'launch',
        });
        try {
            await suite.test(
                "launch three-tier's api-node from the window, ready in its stage; terminate it; nothing left",
                () => launchAndTerminate(ctx, launcher),
            );
        } finally {
            await stopApp(launcher);
        }
    }

    // Every view at two sizes, light and dark, with axe; the states after a
    // failure and a cancel; stale reads; the first run. Their own app, home
    // and folder (a copy of the examples and a broken file), at speed 10.
    if (suite.wantsAny('every view', 'a failed start', 'a cancelled start', 'AWS failing', 'the first run', 'axe')) {
        const registered = watcher.registered.length;
        const views = await launch({
            home: path.join(tmp, 'home-views'),
            dirs: [viewsFolder(tmp)],
            world,
            speed: 10,
            label: 'views',
        });
        try {
            ctx.viewsTray = await watcher.nextItem(registered);
            await suite.test(
                'every view at 1280x800 and 900x600, light and dark: screenshots, axe, columns, emphasis',
                () => freshViews(ctx, views),
            );
            await suite.test('a failed start needs attention in the window and the tray; no stage left active', () =>
                failedStart(ctx, views),
            );
            await suite.test(
                'a cancelled start (asked first) leaves no stage active or waiting, no "context canceled"',
                () => cancelledStart(ctx, views),
            );
            await suite.test(
                'AWS failing: "stale since" with the reason within seconds; the plan says why, with Retry',
                () => staleReads(ctx, views),
            );
        } finally {
            await stopApp(views);
        }
        const empty = path.join(tmp, 'empty-environments');
        fs.mkdirSync(empty);
        if (suite.wantsAny('the first run')) {
            const first = await launch({home: path.join(tmp, 'home-first'), dirs: [empty], world, label: 'first-run'});
            try {
                await suite.test('the first run explains, with Add folder and Open the examples', () =>
                    firstRun(ctx, first),
                );
            } finally {
                await stopApp(first);
            }
        }
        await suite.test('axe: no serious or critical violation on any view, light and dark', () => viewsChecked(ctx));
    }

    await suite.test(
        'a lease set from the window stops three-tier through its deployed schedule with the app closed',
        () => leaseKeptByAWS(ctx, {launch, binary, tmp, world}),
    );

    // Last: its WebKit processes must not share the CPU with the scroll test's frames.
    await suite.test(
        'the production window lists the environments within 1.5 s of launch, fresh and from the last known state',
        () => productionWindow(ctx, {binary: prodBinary, home: path.join(tmp, 'home-window'), dirs: [envDir], world}),
    );
    await suite.test("SIGTERM at any moment of the production window's start-up ends the app within 8 s", () =>
        sigtermDuringStartUp(ctx, {binary: prodBinary, home: path.join(tmp, 'home-sigterm'), dirs: [envDir], world}),
    );
} finally {
    for (const a of apps) await stopApp(a).catch((e) => console.log(`cleanup: ${e.message}`));
    watcher.stop();
    await browser.close();
    if (!process.env.E2E_KEEP) fs.rmSync(tmp, {recursive: true, force: true});
}
process.exit(suite.finish());
