// The production build's own window (WebKitGTK, no dev server): how long
// from launch until its environment list is on screen, on a fresh home and
// then from the last known state. The figure is the app's own: its front end
// reports when the list is committed and the app logs the time since launch.
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
