// A minimal sequential test runner: the tests share one app launch after
// another, so they run in order; each failure is recorded (with a
// screenshot of the page) and the next test still runs.
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';

export class Suite {
    constructor(out) {
        this.out = out;
        this.results = [];
        this.figures = [];
        this.page = null; // the page to screenshot on failure
    }

    /** Whether E2E_ONLY=REGEXP (run only the tests whose names match) lets the test named name run. */
    wants(name) {
        const only = process.env.E2E_ONLY;
        return !only || new RegExp(only).test(name);
    }

    /**
     * Whether any test of a group may run, given the beginnings of its tests' names: with E2E_ONLY, a group
     * none of whose tests it can match does not even start its app.
     */
    wantsAny(...beginnings) {
        return beginnings.some((b) => this.wants(b));
    }

    async test(name, fn) {
        if (!this.wants(name)) {
            console.log(`SKIP ${name}`);
            return;
        }
        const start = performance.now();
        process.stdout.write(`--- ${name}\n`);
        try {
            await fn();
            this.results.push({name, ok: true});
            console.log(`PASS ${name} (${((performance.now() - start) / 1000).toFixed(1)}s)`);
        } catch (err) {
            this.results.push({name, ok: false, error: String(err?.stack ?? err)});
            console.log(
                `FAIL ${name} (${((performance.now() - start) / 1000).toFixed(1)}s)\n  ${String(err?.message ?? err)
                    .split('\n')
                    .join('\n  ')}`,
            );
            if (this.page && !this.page.isClosed()) {
                const file = path.join(this.out, `failure-${this.results.length}.png`);
                await this.page.screenshot({path: file}).catch(() => {});
            }
        }
    }

    /** Records a measured figure; budget (same unit) is printed beside it. */
    figure(name, value, unit, budget) {
        this.figures.push({name, value: Math.round(value * 10) / 10, unit, budget});
        console.log(
            `  [perf] ${name}: ${value.toFixed(1)} ${unit}${budget !== undefined ? ` (budget ${budget} ${unit})` : ''}`,
        );
    }

    /** Prints the figures and the summary; returns the exit code. */
    finish() {
        console.log('\nFigures:');
        for (const f of this.figures) {
            const verdict = f.budget === undefined ? '' : f.value < f.budget ? '  ok' : '  OVER BUDGET';
            console.log(
                `  ${f.name.padEnd(62)} ${String(f.value).padStart(8)} ${f.unit}${f.budget !== undefined ? ` (< ${f.budget})` : ''}${verdict}`,
            );
        }
        fs.writeFileSync(
            path.join(this.out, 'results.json'),
            JSON.stringify({results: this.results, figures: this.figures}, null, 2),
        );
        const passed = this.results.filter((r) => r.ok).length;
        const failed = this.results.length - passed;
        console.log(`\ne2e-desktop: ${passed} passed, ${failed} failed (screenshots and logs in ${this.out})`);
        return failed === 0 ? 0 : 1;
    }
}

export function assert(cond, message) {
    if (!cond) throw new Error(message);
}

/**
 * A performance budget. Figures are printed with their verdict (see
 * Suite.figure); like Go benchmarks they do not fail the suite on a busy
 * shared CI machine unless E2E_STRICT_TIMING=1, so a slow moment cannot
 * block a change while the figures still say when a budget is missed.
 */
export function withinBudget(cond, message) {
    if (cond) return;
    if (process.env.E2E_STRICT_TIMING === '1') throw new Error(message);
    console.log(`  [perf] OVER BUDGET (reported, not failed; E2E_STRICT_TIMING=1 fails on it): ${message}`);
}
