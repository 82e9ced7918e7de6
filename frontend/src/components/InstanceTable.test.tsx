import {describe, expect, it, vi} from 'vitest';
import {screen, within, fireEvent, waitFor} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {desktop} from '../api/types';
import {InstanceTable, filterRows, fitColumns, type Key, type RowActions} from './InstanceTable';
import {manyInstances} from '../test/fixtures';
import {renderUI} from '../test/render';
import {installFakeLayout} from '../test/layout';

installFakeLayout();

const now = Date.parse('2025-01-01T02:30:00Z');

describe('InstanceTable with 1,000 rows', () => {
    it('renders only a window of rows and reports the render time', () => {
        const rows = manyInstances(1000);
        const t0 = performance.now();
        renderUI(<InstanceTable rows={rows} now={now} />);
        const ms = performance.now() - t0;
        console.log(`[perf] InstanceTable 1,000 rows: first render ${ms.toFixed(1)} ms (jsdom, indicative only)`);
        const rendered = screen.getAllByTestId('instance-row');
        expect(rendered.length).toBeGreaterThan(5);
        expect(rendered.length).toBeLessThan(60);
        expect(screen.getByTestId('instance-count')).toHaveTextContent('1000 instances');
        // The container is sized for all rows, so the scrollbar is honest.
        const body = screen.getByTestId('instance-scroll').firstElementChild as HTMLElement;
        expect(body.style.height).toBe(`${1000 * 36}px`);
    });

    it('shows rows further down after scrolling', async () => {
        renderUI(<InstanceTable rows={manyInstances(1000)} now={now} />);
        const scroller = screen.getByTestId('instance-scroll');
        scroller.scrollTop = 500 * 36;
        fireEvent.scroll(scroller);
        expect(await screen.findByText('web-0500')).toBeInTheDocument();
        expect(screen.queryByText('web-0000')).not.toBeInTheDocument();
        expect(screen.getAllByTestId('instance-row').length).toBeLessThan(60);
    });

    it('searches by name, id, IP and tag', () => {
        renderUI(<InstanceTable rows={manyInstances(1000)} now={now} />);
        const search = screen.getByRole('textbox', {name: 'Search instances'});
        fireEvent.change(search, {target: {value: 'web-0999'}});
        expect(screen.getByTestId('instance-count')).toHaveTextContent('1 of 1000');
        const rows = screen.getAllByTestId('instance-row');
        expect(rows).toHaveLength(1);
        expect(within(rows[0]).getByText('10.0.3.250')).toBeInTheDocument();
        fireEvent.change(search, {target: {value: '10.0.3.25'}});
        // 10.0.3.25 and 10.0.3.250 (and .251…) are in stage-3's range.
        expect(screen.getByTestId('instance-count')).toHaveTextContent(/^\d+ of 1000$/);
        expect(screen.getAllByTestId('instance-row').every((r) => r.textContent!.includes('10.0.3.25'))).toBe(true);
    });

    it('sorts by a column, both ways', () => {
        renderUI(<InstanceTable rows={manyInstances(1000)} now={now} />);
        const header = screen.getByRole('columnheader', {name: /Name/});
        fireEvent.click(within(header).getByRole('button'));
        expect(header).toHaveAttribute('aria-sort', 'ascending');
        expect(screen.getAllByTestId('instance-row')[0]).toHaveTextContent('web-0000');
        fireEvent.click(within(header).getByRole('button'));
        expect(header).toHaveAttribute('aria-sort', 'descending');
        expect(screen.getAllByTestId('instance-row')[0]).toHaveTextContent('web-0999');
    });

    it('shows uptime only for running instances', () => {
        const rows = manyInstances(2);
        renderUI(<InstanceTable rows={rows} now={now} />);
        const [running, stopped] = screen.getAllByTestId('instance-row');
        expect(running).toHaveTextContent('2h 30m');
        expect(stopped).not.toHaveTextContent('2h 30m');
    });
});

describe('filterRows', () => {
    it('filters by state and keeps stage order', () => {
        const rows = manyInstances(1000);
        const out = filterRows(rows, '', ['stopped']);
        expect(out).toHaveLength(250);
        expect(out.every((r) => r.state === 'stopped')).toBe(true);
        expect(out.map((r) => r.name)).toEqual(rows.filter((r) => r.state === 'stopped').map((r) => r.name));
    });
});

describe('InstanceTable columns', () => {
    it('sorts IPs numerically', () => {
        renderUI(<InstanceTable rows={manyInstances(20)} now={now} />);
        fireEvent.click(within(screen.getByRole('columnheader', {name: /Private IP/})).getByRole('button'));
        const ips = screen.getAllByTestId('instance-row').map((r) => within(r).getByText(/^10\.0\./).textContent);
        expect(ips.slice(0, 3)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
        expect(ips[9]).toBe('10.0.0.10');
    });

    it('hides and shows a column from the Columns menu', async () => {
        renderUI(<InstanceTable rows={manyInstances(5)} now={now} />);
        expect(screen.getByRole('columnheader', {name: /AZ/})).toBeInTheDocument();
        fireEvent.click(screen.getByRole('button', {name: 'Columns'}));
        fireEvent.click(await screen.findByRole('checkbox', {name: 'AZ'}));
        expect(screen.queryByRole('columnheader', {name: /AZ/})).not.toBeInTheDocument();
        expect(screen.getByRole('table', {name: 'Instances'})).not.toHaveAttribute(
            'data-columns',
            expect.stringContaining('az'),
        );
        fireEvent.click(screen.getByRole('checkbox', {name: 'AZ'}));
        expect(screen.getByRole('columnheader', {name: /AZ/})).toBeInTheDocument();
    });

    it('sizes each column to its content', () => {
        const rows = manyInstances(3).map((r, i) => ({...r, stage: i ? 'a' : 'a-rather-long-stage-name'}));
        renderUI(<InstanceTable rows={rows} now={now} />);
        const width = (name: RegExp) => Number(screen.getByRole('columnheader', {name}).getAttribute('data-width'));
        // 24 characters: as wide as the column may get; a short type stays narrow.
        expect(width(/Stage/)).toBe(180);
        expect(width(/Type/)).toBeLessThan(100);
    });

    it('shows the DNS name as the address, and boot progress', () => {
        const [r] = manyInstances(1);
        renderUI(
            <InstanceTable
                rows={[
                    {
                        ...r,
                        state: 'running',
                        dnsName: 'web.shop.example',
                        progress: {percent: 40, message: 'installing'},
                    },
                ]}
                now={now}
            />,
        );
        const row = screen.getByTestId('instance-row');
        expect(row).toHaveTextContent('web.shop.example');
        expect(within(row).getByRole('progressbar', {name: 'boot 40%: installing'})).toBeInTheDocument();
    });
});

describe('fitColumns', () => {
    // As widths() sizes three-tier with a launched instance's DNS name in the address column.
    const size: Record<Key, number> = {
        name: 121,
        id: 151,
        stage: 80,
        type: 95,
        state: 96,
        az: 90,
        privateIp: 102,
        publicIp: 240,
        uptime: 76,
    };
    const sum = (f: ReturnType<typeof fitColumns>) =>
        (Object.keys(size) as Key[]).reduce((n, k) => n + (f.shown[k] ? f.fitted[k] : 0), 44);

    it('shows every column as sized when there is room', () => {
        const f = fitColumns(size, {}, 1400);
        expect(Object.values(f.shown).every(Boolean)).toBe(true);
        expect(f.fitted).toEqual(size);
    });

    it('hides AZ, stage and type in turn, then shortens the address and the name to fit', () => {
        // The real window's main area at its default size (1100x720): 818 px.
        const f = fitColumns(size, {}, 818);
        expect(f.shown).toMatchObject({az: false, stage: false, type: false, publicIp: true, uptime: true});
        // 121 + 151 + 96 + 102 + 240 + 76 + 44 (the ⋯) is 830: the address gives the 12 px.
        expect(f.fitted.publicIp).toBe(228);
        expect(sum(f)).toBe(818);
        expect(f.fitted.name).toBe(121);
        // Narrower still: the address stops at its narrowest, then the name gives.
        const g = fitColumns(size, {}, 600);
        expect(g.fitted.publicIp).toBe(110);
        expect(g.fitted.name).toBe(100);
        expect(g.fitted.id).toBe(151);
    });

    it('keeps a column the person chose to show, and hides the ones they hid', () => {
        const f = fitColumns(size, {az: true, uptime: false}, 818);
        expect(f.shown.az).toBe(true);
        expect(f.shown.uptime).toBe(false);
        expect(f.shown.stage).toBe(false);
    });

    it('leaves everything as sized until the table is measured', () => {
        expect(fitColumns(size, {}, 0)).toEqual({shown: expect.objectContaining({az: true}), fitted: size});
    });
});

function rowActions(): RowActions {
    return {
        act: vi.fn(),
        info: vi.fn(async (r) =>
            desktop.InstanceInfo.createFrom({
                id: r.id,
                account: '123456789012',
                region: 'eu-west-1',
                consoleUrl: 'https://console.example/' + r.id,
                connect: {available: false, problem: 'SSM does not manage it'},
            }),
        ),
        copy: vi.fn(),
        console: vi.fn(),
        connect: vi.fn(),
        history: vi.fn(),
    };
}

describe('the row menu', () => {
    it('is a plain button on every row until opened, one row at a time', async () => {
        const actions = rowActions();
        renderUI(<InstanceTable rows={manyInstances(1000)} now={now} actions={actions} />);
        const first = screen.getByRole('button', {name: 'Actions for web-0000'});
        expect(first).toHaveAttribute('aria-haspopup', 'menu');
        expect(first).toHaveAttribute('aria-expanded', 'false');
        expect(first).toHaveAttribute('title', 'Actions');
        expect(screen.queryByTestId('instance-menu')).not.toBeInTheDocument();

        fireEvent.click(first);
        const menu = await screen.findByTestId('instance-menu');
        expect(screen.getByRole('button', {name: 'Actions for web-0000'})).toHaveAttribute('aria-expanded', 'true');
        // web-0000 runs: it may stop or reboot, not start.
        expect(within(menu).getByRole('menuitem', {name: 'Start web-0000'})).toBeDisabled();
        fireEvent.click(within(menu).getByRole('menuitem', {name: 'Stop web-0000'}));
        expect(actions.act).toHaveBeenCalledWith(expect.objectContaining({name: 'web-0000'}), 'stop');
        await waitFor(() => expect(screen.queryByTestId('instance-menu')).not.toBeInTheDocument());

        fireEvent.click(screen.getByRole('button', {name: 'Actions for web-0000'}));
        await screen.findByTestId('instance-menu');
        fireEvent.click(screen.getByRole('button', {name: 'Actions for web-0001'}));
        await waitFor(() => expect(screen.getAllByTestId('instance-menu')).toHaveLength(1));
        const other = screen.getByTestId('instance-menu');
        // web-0001 is stopped: it may start.
        expect(within(other).getByRole('menuitem', {name: 'Start web-0001'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Actions for web-0000'})).toHaveAttribute('aria-expanded', 'false');
        await waitFor(() => expect(actions.info).toHaveBeenCalledWith(expect.objectContaining({name: 'web-0001'})));
        expect(
            await within(other).findByRole('menuitem', {name: /Open in the AWS console \(123456789012, eu-west-1\)/}),
        ).toBeEnabled();
        fireEvent.click(within(other).getByRole('menuitem', {name: 'Copy instance ID'}));
        expect(actions.copy).toHaveBeenCalledWith('i-00000000000000001', 'instance id');
    });

    it('opens from the keyboard (Enter, Space, ArrowDown) and gives focus back to its button', async () => {
        const user = userEvent.setup();
        renderUI(<InstanceTable rows={manyInstances(20)} now={now} actions={rowActions()} />);
        for (const key of ['{Enter}', ' ', '{ArrowDown}']) {
            screen.getByRole('button', {name: 'Actions for web-0002'}).focus();
            await user.keyboard(key);
            const menu = await screen.findByTestId('instance-menu');
            // Focus moves into the menu, so arrows walk its items.
            await waitFor(() => expect(menu).toContainElement(document.activeElement as HTMLElement));
            await user.keyboard('{Escape}');
            await waitFor(() => expect(screen.queryByTestId('instance-menu')).not.toBeInTheDocument());
            await waitFor(() =>
                expect(document.activeElement).toBe(screen.getByRole('button', {name: 'Actions for web-0002'})),
            );
        }
    });
});
