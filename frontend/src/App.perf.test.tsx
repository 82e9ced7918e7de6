import {describe, expect, it} from 'vitest';
import {fireEvent, screen} from '@testing-library/react';
import {fakeApi} from './test/fakeApi';
import {env, overview, threeTier} from './test/envs';
import {manyInstances} from './test/fixtures';
import {renderApp} from './test/render';
import {installFakeLayout} from './test/layout';
import {RENDER_MEASURE} from './lib/perf';

installFakeLayout();

// The budget is "a 1,000-instance environment renders in under 200 ms" in
// the real window; jsdom is slower and has no paint, so these figures are
// only indicative and the browser end-to-end test times the same measure.
describe('a 1,000-instance environment', () => {
    it('renders a window of rows and records the cc:env-render measure', async () => {
        const rows = manyInstances(1000);
        const big = env('big', 'partly running', {
            stages: [0, 1, 2, 3].map((k) => ({
                name: `stage-${k}`,
                after: k ? [`stage-${k - 1}`] : [],
                gates: [{kind: 'running'}],
                state: 'partly running',
                instances: rows.slice(k * 250, (k + 1) * 250),
            })),
        });
        performance.clearMeasures(RENDER_MEASURE);
        renderApp(fakeApi(overview([threeTier(), big])).api);
        await screen.findByRole('main', {name: 'Environment three-tier'});
        fireEvent.click(screen.getByTestId('env-item-big'));
        await screen.findByRole('main', {name: 'Environment big'});
        expect(screen.getByTestId('instance-count')).toHaveTextContent('1000 instances');
        expect(screen.getAllByTestId('instance-row').length).toBeLessThan(60);
        const measures = performance.getEntriesByName(RENDER_MEASURE, 'measure') as PerformanceMeasure[];
        // One for the first environment, one for the switch to big.
        expect(measures).toHaveLength(2);
        expect(measures[1].detail).toEqual({env: 'big', rows: 1000});
        console.log(
            `[perf] switch to a 1,000-instance environment: ${measures[1].duration.toFixed(1)} ms to commit (jsdom, indicative only)`,
        );
    });
});
