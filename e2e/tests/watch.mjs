// The watched folder: edit, break, fix, rename and delete a file while the
// app runs; each must reach the window, timed from just before the file
// operation to the first animation frame whose DOM shows it.
import fs from 'node:fs';
import path from 'node:path';
import {assert, withinBudget} from '../lib/suite.mjs';
import {arm, hit, nowEpoch} from '../lib/page.mjs';

// No `name:`, so the environment is named after the file (and a rename shows).
export const scratch = (description) => `description: ${description}
region: eu-west-1
select: {Env: analytics}
stages:
  - name: reports
    instances:
      - name: reports-1
`;

const broken = `description: broken on purpose
region: eu-west-1
stages:
  - name: reports
    instancez:
      - name: reports-1
`;

const item = (name) =>
    !!document.querySelector(`nav[aria-label="Environments"] [role="listitem"][aria-label="${name}"]`);

export async function fileWatcher(ctx, envDir) {
    const page = ctx.page;
    await page.getByRole('navigation', {name: 'Environments'}).getByTestId('env-item-scratch').click();
    await page.getByRole('main', {name: 'Environment scratch'}).waitFor();
    const file = path.join(envDir, 'scratch.yaml');
    const renamed = path.join(envDir, 'renamed.yaml');
    const tag = Date.now().toString(36);

    const steps = [
        [
            'edit',
            () => fs.writeFileSync(file, scratch(`edited ${tag}`)),
            (s) => (document.querySelector('[role="main"]')?.textContent ?? '').includes(s),
            `edited ${tag}`,
        ],
        [
            'break',
            () => fs.writeFileSync(file, broken),
            () =>
                document.querySelectorAll('[role="region"][aria-label="File problems"] [data-testid="problem"]')
                    .length > 0 && document.querySelector('[role="region"][aria-label="File problems"]').textContent,
        ],
        [
            'fix',
            () => fs.writeFileSync(file, scratch(`fixed ${tag}`)),
            (s) =>
                !document.querySelector('[data-testid="problem"]') &&
                (document.querySelector('[role="main"]')?.textContent ?? '').includes(s),
            `fixed ${tag}`,
        ],
        [
            'rename',
            () => fs.renameSync(file, renamed),
            () =>
                !!document.querySelector('nav[aria-label="Environments"] [role="listitem"][aria-label="renamed"]') &&
                !document.querySelector('nav[aria-label="Environments"] [role="listitem"][aria-label="scratch"]'),
        ],
        [
            'delete',
            () => fs.unlinkSync(renamed),
            () =>
                !document.querySelector('nav[aria-label="Environments"] [role="listitem"][aria-label="renamed"]') &&
                !!document.querySelector('nav[aria-label="Environments"] [role="listitem"][aria-label="three-tier"]'),
        ],
    ];
    const over = [];
    for (const [name, act, predicate, arg] of steps) {
        await arm(page, name, predicate, arg);
        const before = nowEpoch();
        act();
        const h = await hit(page, name, 5_000).catch(() => {
            throw new Error(`the window never showed the ${name} of ${path.basename(file)}`);
        });
        const ms = h.at - before;
        ctx.suite.figure(`file ${name} → window`, ms, 'ms', 300);
        if (name === 'break') {
            assert(
                /line 5|5:5|instancez/i.test(h.value),
                `the problem shown does not point at the bad line: ${h.value}`,
            );
            assert(
                await page.evaluate(item, 'scratch'),
                "the broken file's environment left the sidebar (its last good version should stay)",
            );
        }
        if (ms >= 300) over.push(`${name} ${ms.toFixed(0)} ms`);
    }
    withinBudget(over.length === 0, `file change to window over 300 ms: ${over.join(', ')}`);
}
