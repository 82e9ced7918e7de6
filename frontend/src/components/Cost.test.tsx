import {describe, expect, it} from 'vitest';
import {act, fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from '../test/fakeApi';
import {overview, startPlan, threeTier} from '../test/envs';
import {threeTierCost} from '../test/costs';
import {renderApp} from '../test/render';
import {age, money, quote} from '../lib/cost';

describe('money and prices', () => {
    it('never shows an unknown as $0', () => {
        expect(money({usd: 0, any: false, unknown: ['x9.huge in eu-west-1']})).toBe('unknown');
        expect(money({usd: 0, any: true, unknown: ['x9.huge in eu-west-1']})).toBe('unknown');
        expect(money({usd: 1.5, any: true, unknown: ['x9.huge in eu-west-1']})).toBe('$1.50 + unknown');
        expect(money({usd: 0, any: true})).toBe('$0.00');
        expect(money({usd: 0.0104, any: true})).toBe('$0.01');
        expect(money({usd: 0.004, any: true})).toBe('$0.0040');
        expect(quote({usd: 0.0104, unit: 'hour', known: true} as never)).toBe('$0.0104/hour');
        expect(quote({usd: 0, unit: 'hour', known: false} as never)).toBe('unknown');
        expect(age('2025-05-28T00:00:00Z', Date.parse('2025-06-07T00:00:00Z'))).toBe('10 days old');
        expect(age('0001-01-01T00:00:00Z', Date.now())).toBe('');
    });
});

describe('cost panel', () => {
    it('shows every figure, unknown parts as unknown, and each price with its source and age', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        const panel = await screen.findByRole('region', {name: 'Cost'});
        await waitFor(() =>
            expect(within(panel).getByTestId('cost-hourly-running')).toHaveTextContent(
                'Per hour while running$0.05 + unknown',
            ),
        );
        expect(fake.api.envCost).toHaveBeenCalledWith('three-tier', false);
        expect(within(panel).getByTestId('cost-hourly-now')).toHaveTextContent('unknown');
        expect(within(panel).getByTestId('cost-hourly-now')).not.toHaveTextContent('$');
        expect(within(panel).getByTestId('cost-run-so-far')).toHaveTextContent('unknown');
        expect(within(panel).getByTestId('cost-overnight')).toHaveTextContent('Overnight (15 h)$0.68 + unknown');
        expect(within(panel).getByTestId('cost-weekend')).toHaveTextContent('Weekend (63 h)$2.87 + unknown');
        expect(within(panel).getByTestId('cost-stopped-month')).toHaveTextContent('Per month while stopped$4.00');

        fireEvent.click(within(panel).getByRole('button', {name: 'Show prices per instance'}));
        const rows = within(within(panel).getByRole('table', {name: 'Instance prices'})).getAllByTestId(
            'instance-price',
        );
        expect(rows[0]).toHaveAttribute('data-known', 'true');
        expect(rows[0]).toHaveTextContent('$0.0114/hour');
        expect(rows[0]).toHaveTextContent(/built-in table, 2025-05-28 \(\d+ (days|months|years) old\)/);
        expect(rows[1]).toHaveAttribute('data-known', 'false');
        expect(rows[1]).toHaveTextContent('x9.huge');
        expect(rows[1]).toHaveTextContent('unknown');
        expect(rows[1]).toHaveTextContent('x9.huge is not in the price table');
        expect(rows[1]).not.toHaveTextContent('$0');
    });

    it('asks AWS for fresh prices on Refresh prices, and says why when pricing fails', async () => {
        const fake = fakeApi(overview([threeTier()]));
        fake.api.refreshPrices.mockRejectedValueOnce(new Error('pricing:GetProducts is not allowed'));
        renderApp(fake.api);
        const panel = await screen.findByRole('region', {name: 'Cost'});
        await within(panel).findByTestId('cost-hourly-running');
        fireEvent.click(within(panel).getByRole('button', {name: 'Refresh prices'}));
        await waitFor(() => expect(fake.api.refreshPrices).toHaveBeenCalledWith('three-tier'));
        expect(await within(panel).findByRole('alert')).toHaveTextContent('pricing:GetProducts is not allowed');
    });
});

describe('plan dialog cost line', () => {
    it("says what starting costs per hour: the cost panel's own figure, not a second read", async () => {
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
        await waitFor(() =>
            expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent('Running costs $0.05 + unknown per hour'),
        );
        expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent(
            'Not priced: shop-web (x9.huge in eu-west-1)',
        );
        // The panel had read the figures already: the plan says the same, and asks nothing more.
        expect(fake.api.envCost).toHaveBeenCalledTimes(1);
        expect(fake.api.envCost).toHaveBeenCalledWith('three-tier', false);
        expect(screen.getByTestId('cost-hourly-running')).toHaveTextContent('$0.05 + unknown');
    });

    it("keeps the Price List's figures when the cache's answer comes after them", async () => {
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
        let online: (v: unknown) => void = () => {};
        let offline: (v: unknown) => void = () => {};
        fake.api.envCost.mockImplementation(
            (_e: string, cacheOnly: boolean) =>
                new Promise((ok) => (cacheOnly ? (offline = ok as never) : (online = ok as never))),
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
        expect(await within(dialog).findByTestId('plan-cost')).toHaveTextContent('Pricing…');
        online(threeTierCost({hourlyWhileRunning: {usd: 0.28, any: true}}));
        await waitFor(() =>
            expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent('Running costs $0.28 per hour'),
        );
        await act(async () => offline(threeTierCost({hourlyWhileRunning: {usd: 0.27, any: true}})));
        // Both say the Price List's figure.
        expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent('Running costs $0.28 per hour');
        expect(screen.getByTestId('cost-hourly-running')).toHaveTextContent('$0.28');
    });

    it('prices from the cache at once when the panel has not read them yet', async () => {
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
        fake.api.envCost.mockImplementation((_e: string, offline: boolean) =>
            offline ? Promise.resolve(threeTierCost()) : new Promise(() => {}),
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
        await waitFor(() =>
            expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent('Running costs $0.05 + unknown per hour'),
        );
        expect(fake.api.envCost).toHaveBeenCalledWith('three-tier', true);
    });

    it('says what stopping saves, and when it cannot be priced', async () => {
        const stopPlan = {...startPlan(), action: 'stop'};
        const fake = fakeApi(overview([threeTier({state: 'running'})]), {'three-tier/stop': stopPlan as never});
        fake.api.envCost.mockImplementation(async () =>
            threeTierCost({hourlyNow: {usd: 0.0228, any: true}, stoppedMonthly: {usd: 4, any: true}}),
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Stop'}));
        const dialog = await screen.findByRole('dialog', {name: 'Stop three-tier?'});
        await waitFor(() =>
            expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent(
                'Stopping saves $0.02 per hour; stopped, it costs $4.00 per month.',
            ),
        );
    });

    it('shows the plan with "Cost unknown" when pricing fails', async () => {
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
        fake.api.envCost.mockRejectedValue(new Error('the price cache is damaged'));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
        await waitFor(() =>
            expect(within(dialog).getByTestId('plan-cost')).toHaveTextContent(
                'Cost unknown: the price cache is damaged',
            ),
        );
        expect(within(dialog).getByRole('button', {name: 'Confirm start'})).toBeEnabled();
    });
});
