import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from '../test/fakeApi';
import {env, overview, threeTier} from '../test/envs';
import {renderApp} from '../test/render';
import {history} from '../api/types';

async function openReports() {
    const fake = fakeApi(overview([threeTier(), env('analytics', 'stopped')]));
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Reports'}));
    const view = await screen.findByRole('main', {name: 'Usage report'});
    await within(view).findByRole('table', {name: 'Usage by instance'});
    return {fake, view};
}

describe('usage report', () => {
    it('shows hours and estimated cost per instance and environment, unknown costs as unknown', async () => {
        const {fake, view} = await openReports();
        const today = new Date();
        const p = (n: number) => String(n).padStart(2, '0');
        expect(fake.api.report).toHaveBeenCalledWith({
            env: '',
            from: `${today.getFullYear()}-${p(today.getMonth() + 1)}-01`,
            to: `${today.getFullYear()}-${p(today.getMonth() + 1)}-${p(today.getDate())}`,
        });
        const rows = within(view).getAllByTestId('report-row');
        expect(rows[0]).toHaveTextContent('three-tiershop-db (i-0db1)eu-west-1t3.micro210.00$0.0114/hour$0.11');
        expect(rows[1]).toHaveTextContent('analyticsi-0an1us-east-1x9.huge13.00unknownunknown');
        expect(
            within(view)
                .getAllByTestId('report-env-total')
                .map((r) => r.textContent),
        ).toEqual(['analytics total3.00unknown', 'three-tier total10.00$0.11']);
        expect(within(view).getByTestId('report-total')).toHaveTextContent(
            'Total: 13.00 instance hours, estimated $0.11 + unknown',
        );
    });

    it('shows rows and totals as the report rounded them, so the totals are the sums of the rows shown', async () => {
        const fake = fakeApi(overview([threeTier()]));
        const row = {
            env: 'shop',
            instance: 'i-1',
            name: '',
            region: 'eu-west-1',
            type: 'm5.large',
            runs: 1,
            hours: 0.04,
            price: {usd: 0.107, unit: 'hour', known: true, source: 'built-in table'},
            cost: {usd: 0.0043, any: true},
        };
        fake.api.report.mockResolvedValue(
            history.Report.createFrom({
                query: {env: '', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', now: '2026-11-01T12:00:00Z'},
                rows: [...Array(5)]
                    .map((_, i) => ({...row, instance: `i-${i}`}))
                    .concat([{...row, instance: 'i-big', hours: 1405.3, cost: {usd: 150.37, any: true}}]),
                envs: [{env: 'shop', hours: 1405.5, cost: {usd: 150.3915, any: true}}],
                days: [{date: '2026-11-01', hours: 1405.5, cost: {usd: 150.39, any: true}}],
                total: {env: 'total', hours: 1405.5, cost: {usd: 150.3915, any: true}},
                basis: '',
            }),
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Reports'}));
        const view = await screen.findByRole('main', {name: 'Usage report'});
        const rows = await within(view).findAllByTestId('report-row');
        expect(rows[0]).toHaveTextContent('0.04$0.1070/hour$0.0043');
        expect(rows[5]).toHaveTextContent('1405.30$0.1070/hour$150.37'); // cents, not "$150"
        expect(within(view).getByTestId('report-env-total')).toHaveTextContent('shop total1405.50$150.39');
        expect(within(view).getByTestId('report-total')).toHaveTextContent(
            'Total: 1405.50 instance hours, estimated $150.39',
        );
    });

    it('charts the cost per day, one bar a day, and gives the figures as a table too', async () => {
        const {view} = await openReports();
        const chart = within(view).getByRole('figure', {name: 'Estimated cost per day'});
        const days = within(chart).getAllByTestId('day-bar');
        expect(days.map((b) => b.getAttribute('data-date'))).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
        expect(days[2]).toHaveTextContent('2026-11-03$0.02 + unknown5.00 hours');
        expect(chart).toHaveTextContent('orange days include parts that could not be priced');
    });

    it('opens on one environment from its "Starts and stops" link', async () => {
        const fake = fakeApi(overview([threeTier(), env('analytics', 'stopped')]));
        renderApp(fake.api);
        fireEvent.click(await screen.findByTestId('env-history'));
        const view = await screen.findByRole('main', {name: 'Usage report'});
        expect(within(view).getByRole('heading', {level: 2})).toHaveTextContent('Usage report of three-tier');
        await waitFor(() => expect(fake.api.report).toHaveBeenCalledWith(expect.objectContaining({env: 'three-tier'})));
        await waitFor(() =>
            expect(fake.api.operations).toHaveBeenCalledWith(expect.objectContaining({env: 'three-tier'})),
        );
    });

    it('asks again for another range and environment', async () => {
        const {fake, view} = await openReports();
        fireEvent.change(within(view).getByLabelText('From'), {target: {value: '2026-11-01'}});
        fireEvent.change(within(view).getByLabelText('To'), {target: {value: '2026-11-30'}});
        fireEvent.change(within(view).getByRole('combobox', {name: 'Environment'}), {target: {value: 'analytics'}});
        fireEvent.click(within(view).getByRole('button', {name: 'Show report'}));
        await waitFor(() =>
            expect(fake.api.report).toHaveBeenLastCalledWith({env: 'analytics', from: '2026-11-01', to: '2026-11-30'}),
        );
    });

    it('shows the reason for a bad range', async () => {
        const {fake, view} = await openReports();
        fake.api.report.mockRejectedValueOnce(new Error('the end date 2026-11-01 is before the start date 2026-11-30'));
        fireEvent.click(within(view).getByRole('button', {name: 'Show report'}));
        expect(await within(view).findByRole('alert')).toHaveTextContent('is before the start date');
    });

    it('exports CSV through the Go side with the same range', async () => {
        const {fake, view} = await openReports();
        fireEvent.change(within(view).getByLabelText('From'), {target: {value: '2026-11-01'}});
        fireEvent.click(within(view).getByRole('button', {name: 'Export CSV…'}));
        await waitFor(() =>
            expect(fake.api.saveCSV).toHaveBeenCalledWith(expect.objectContaining({env: '', from: '2026-11-01'})),
        );
        expect(await screen.findByText('/home/tester/usage.csv')).toBeInTheDocument();
    });
});

describe('starts and stops', () => {
    it("lists who started or stopped what, from where and how it ended, and opens one's events", async () => {
        const {fake, view} = await openReports();
        const table = await within(view).findByRole('table', {name: 'Starts and stops'});
        const rows = within(table).getAllByTestId('operation-row');
        expect(rows).toHaveLength(2);
        expect(rows[0]).toHaveTextContent('three-tierstopdone1m 05sbob as arn:aws:iam::123456789012:user/bobtray');
        expect(rows[1]).toHaveTextContent('startinterrupted40salicewindow');
        expect(rows[1]).toHaveAttribute('title', expect.stringContaining('ended before it finished'));
        fireEvent.click(within(rows[0]).getByRole('button', {name: /Events of stop three-tier/}));
        const events = await within(table).findByRole('list', {name: 'Events'});
        expect(fake.api.operationEvents).toHaveBeenCalledWith(2);
        expect(
            within(events)
                .getAllByRole('listitem')
                .map((li) => li.textContent),
        ).toEqual(['[   0.0s] stop three-tier: 4 stage(s)', '[  65.0s] stage web stopped']);
        fireEvent.click(within(rows[0]).getByRole('button', {name: /Events of stop three-tier/}));
        await waitFor(() => expect(within(table).queryByRole('list', {name: 'Events'})).not.toBeInTheDocument());
    });

    it('follows the range and environment asked for', async () => {
        const {fake, view} = await openReports();
        await within(view).findByRole('table', {name: 'Starts and stops'});
        fireEvent.change(within(view).getByRole('combobox', {name: 'Environment'}), {target: {value: 'analytics'}});
        expect(fake.api.operations).toHaveBeenCalledTimes(1); // not while the fields are edited
        fireEvent.click(within(view).getByRole('button', {name: 'Show report'}));
        await waitFor(() =>
            expect(fake.api.operations).toHaveBeenLastCalledWith(expect.objectContaining({env: 'analytics'})),
        );
    });
});
