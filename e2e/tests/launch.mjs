// Launch three-tier's api-node from the window on the sandbox, see it ready in its stage, terminate it from
// the window, and nothing left behind.
import path from 'node:path';
import {assert} from '../lib/suite.mjs';
import {tableFitsInWebKit} from './webkit.mjs';
import {cli, copyExamples, sandboxUrlFromLog} from '../lib/app.mjs';

/** A copy of the examples (with what their templates read) for the launch test's own app. */
export function launchFolder(tmp) {
    const dir = path.join(tmp, 'launch-environments');
    copyExamples(dir);
    return dir;
}

const stacksOf = async (app, url) =>
    (await cli(app, url, ['launches', '--env', 'three-tier', '--json']))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));

export async function launchAndTerminate(ctx, app) {
    const context = await ctx.browser.newContext({viewport: {width: 1280, height: 800}});
    const page = await context.newPage();
    ctx.suite.page = page;
    let url; // the sandbox's, once the app logged it
    try {
        await page.goto(app.url);
        url = await sandboxUrlFromLog(app.home);
        await page.getByTestId('env-item-three-tier').click();
        await page.getByText(/live, read at/).waitFor({timeout: 20_000});
        assert((await stacksOf(app, url)).length === 0, 'the sandbox has launched stacks before the test');

        // The dialog: its defaults, the preview, then the confirm.
        await page.getByRole('button', {name: 'Launch…'}).click();
        const dialog = page.getByRole('dialog', {name: 'Launch into three-tier'});
        await dialog.getByTestId('launch-target').waitFor();
        assert(
            /Joins stage api/.test(await dialog.getByTestId('launch-template-about').textContent()),
            'the dialog does not name the stage api',
        );
        assert((await stacksOf(app, url)).length === 0, 'a stack exists before the preview');
        await dialog.getByRole('button', {name: 'Preview'}).click();
        const preview = dialog.getByTestId('launch-preview');
        await preview.waitFor({timeout: 15_000});
        const cost = await dialog.getByTestId('launch-cost').textContent();
        console.log(`  preview: ${cost}`);
        assert(/per hour/.test(cost) && /per month/.test(cost), `the preview's cost reads "${cost}"`);
        assert((await stacksOf(app, url)).length === 0, 'the preview created a stack');
        const t0 = Date.now();
        await dialog.getByRole('button', {name: 'Confirm launch'}).click();

        // The live panel until it is ready; the instance then in its stage.
        const panel = page.getByRole('region', {name: 'Launch progress'});
        await panel.waitFor({timeout: 15_000});
        await page.locator('[data-testid="launch-panel"][data-status="done"]').waitFor({timeout: 180_000});
        ctx.suite.figure('launch api-node from the window → ready (sandbox, speed 10)', Date.now() - t0, 'ms');
        const resources = await panel.getByTestId('stack-resource').allTextContents();
        assert(
            resources.some((r) => /CREATE_COMPLETE/.test(r)),
            `the panel's resources: ${resources.join(' | ')}`,
        );
        // The table is virtualized: searching brings the row into its window whatever the table's height.
        await page.getByRole('textbox', {name: 'Search instances'}).fill('api-node-1');
        const row = page.getByTestId('instance-row').filter({hasText: 'api-node-1'});
        await row.waitFor({timeout: 30_000});
        assert(
            /\bapi\b/.test(await row.textContent()),
            `api-node-1's row does not say stage api: ${await row.textContent()}`,
        );
        const listed = await stacksOf(app, url);
        assert(listed.length === 1 && !listed[0].leftover, `launches lists ${JSON.stringify(listed)}`);
        await page.screenshot({path: path.join(ctx.out, 'launch-ready.png')});
        // The real window's engine and fonts, with the launched instance's DNS name as its address: the table fits.
        await tableFitsInWebKit(ctx, app, 'three-tier', 'api-node-1');

        // Terminate from its menu, confirmed; then nothing left.
        await page.getByRole('button', {name: 'Actions for api-node-1'}).click();
        await page.getByRole('menuitem', {name: 'Terminate api-node-1'}).click();
        const ask = page.getByRole('dialog', {name: 'Terminate api-node-1?'});
        const target = await ask.getByTestId('terminate-target').textContent({timeout: 15_000});
        assert(
            target.includes(listed[0].stack),
            `the confirmation names "${target}", not the stack ${listed[0].stack}`,
        );
        await ask.getByRole('button', {name: 'Terminate'}).click();
        await page.getByRole('region', {name: 'Terminate progress'}).waitFor({timeout: 15_000});
        await page.locator('[data-testid="launch-panel"][data-status="done"]').waitFor({timeout: 120_000});
        const left = await stacksOf(app, url);
        assert(left.length === 0, `stacks left after terminate: ${JSON.stringify(left)}`);
    } catch (err) {
        await page.screenshot({path: path.join(ctx.out, 'launch-failure.png')}).catch(() => {});
        // What the window's board holds of three-tier, beside what AWS (the sandbox) says.
        const board = await page
            .evaluate(() =>
                window.go.desktop.Environments.Overview().then((o) =>
                    JSON.stringify(o.environments?.find((e) => e.name === 'three-tier') ?? o).slice(0, 4000),
                ),
            )
            .catch((e) => `Overview failed: ${e.message}`);
        console.log(`  the window's three-tier: ${board}`);
        if (url)
            console.log(
                `  env status: ${await cli(app, url, ['env', 'status', 'three-tier']).catch((e) => e.message)}`,
            );
        throw err;
    } finally {
        await context.close();
    }
}
