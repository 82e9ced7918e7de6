// The production build's own window (WebKitGTK, no dev server): how long
// from launch until its environment list is on screen, on a fresh home and
// then from the last known state. The figure is the app's own: its front end
// reports when the list is committed and the app logs the time since launch.
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {assert, withinBudget} from '../lib/suite.mjs';
import {launchWindow, listShownFromLog, stopApp, windowVisible} from '../lib/app.mjs';

export async function productionWindow(ctx, {binary, home, dirs, world}) {
    for (const what of ['fresh', 'last known state']) {
        const app = launchWindow({
            binary,
            home,
            dirs,
            world,
            out: ctx.out,
            label: `window-${what.replaceAll(' ', '-')}`,
        });
        try {
            const shown = await listShownFromLog(home, 'window', app.logOffset, 15_000);
            assert(shown, `the production window (${what}) never logged its environment list on screen`);
            ctx.suite.figure(`launch → environment list, production window, ${what}`, shown.afterLaunch, 'ms', 1500);
            console.log(`  (page load → list ${shown.page} ms)`);
            for (let i = 0; i < 50 && !windowVisible('Cloud Control (Sandbox)'); i++) await sleep(100);
            assert(windowVisible('Cloud Control (Sandbox)'), 'no visible X window titled "Cloud Control (Sandbox)"');
            withinBudget(
                shown.afterLaunch < 1500,
                `the production window listed the environments ${shown.afterLaunch} ms after launch (${what}; budget 1500 ms)`,
            );
        } finally {
            await stopApp(app);
        }
    }
}

/**
 * SIGTERM at moments all through the production window's start-up (before Go's handler, while GTK
 * initialises, before and after the window's own start-up ran, with the list on screen) ends the app
 * within stopApp's 8 s: a quit asked before GTK's main loop ran used to be lost, and the app ran on.
 * The delays are the moments the signal is sent at, not waits for something.
 */
export async function sigtermDuringStartUp(ctx, {binary, home, dirs, world}) {
    const exits = [];
    for (const ms of [0, 50, 100, 150, 200, 250, 300, 400, 600, 1000, 2000]) {
        const app = launchWindow({binary, home, dirs, world, out: ctx.out, label: `sigterm-${ms}ms`});
        await sleep(ms);
        const sent = performance.now();
        await stopApp(app); // throws when it is still running 8 s after SIGTERM
        exits.push(performance.now() - sent);
    }
    ctx.suite.figure('SIGTERM during start-up → exit, slowest', Math.max(...exits), 'ms', 8000);
}
