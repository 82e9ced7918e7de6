import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {control} from '../../api/types';
import {fakeApi} from '../../test/fakeApi';
import {overview, threeTier} from '../../test/envs';
import {apiNodeTemplates, leftover, listed} from '../../test/launches';
import {renderApp} from '../../test/render';

function withLaunches() {
    const fake = fakeApi(overview([threeTier()]));
    fake.api.launches.mockResolvedValue(
        control.LaunchList.createFrom({
            target: apiNodeTemplates().target,
            env: '',
            launches: [listed(), leftover()],
            leftovers: 1,
        }),
    );
    return fake;
}

async function openView(fake: ReturnType<typeof fakeApi>) {
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Launches'}));
    const view = await screen.findByRole('main', {name: 'Launches'});
    await within(view).findByRole('table', {name: 'Launched instances'});
    return view;
}

describe('Launches view', () => {
    it('lists every launch in the profile and region, leftovers marked with why', async () => {
        const fake = withLaunches();
        const view = await openView(fake);
        expect(fake.api.launches).toHaveBeenCalledWith('');
        expect(within(view).getByTestId('launches-target')).toHaveTextContent(
            'Everything Cloud Control launched in account 123456789012, region eu-west-1 (profile testing)',
        );
        const [ok, left] = within(view).getAllByTestId('launch-row');
        const cells = (r: HTMLElement) =>
            within(r)
                .getAllByRole('cell')
                .map((c) => c.textContent);
        const c = cells(ok);
        expect(c.slice(0, 4)).toEqual(['three-tier', 'api-node', 'api-node-1', 'tester']);
        expect(c[4]).not.toBe('—'); // created, in local time
        expect(c.slice(5, 10)).toEqual([
            'i-0a9f1',
            'running',
            't3.medium',
            'api-node-1.shop.test.example.com',
            '$0.0416/hour',
        ]);
        expect(ok).toHaveAttribute('data-leftover', 'false');
        expect(left).toHaveAttribute('data-leftover', 'true');
        expect(within(left).getByText('leftover')).toBeInTheDocument();
        expect(within(left).getByTestId('leftover-why')).toHaveTextContent(
            'its launch failed and the stack was not deleted (ROLLBACK_COMPLETE)',
        );
    });

    it('cleans up an environment only after asking, then drops what the next listing no longer has', async () => {
        const fake = withLaunches();
        const view = await openView(fake);
        fireEvent.click(within(view).getByRole('button', {name: 'Clean up shop'}));
        const ask = await screen.findByRole('dialog', {name: 'Clean up the leftovers of shop?'});
        expect(within(ask).getByTestId('cleanup-stacks')).toHaveTextContent('cc-shop-api-node-3 (ROLLBACK_COMPLETE)');
        expect(fake.api.cleanUp).not.toHaveBeenCalled();
        fireEvent.click(within(ask).getByRole('button', {name: 'Delete the stacks'}));
        await waitFor(() => expect(fake.api.cleanUp).toHaveBeenCalledWith('shop'));
        // The clean-up lists again and pushes what is left: nothing.
        fake.pushLeftovers([]);
        await waitFor(() => expect(within(view).getAllByTestId('launch-row')).toHaveLength(1));
        expect(within(view).queryByTestId('leftovers-alert')).not.toBeInTheDocument();
    });

    it('says why the launches could not be listed', async () => {
        const fake = fakeApi(overview([threeTier()]));
        fake.api.launches.mockRejectedValueOnce(
            'reading the stacks: AccessDenied: not authorized to cloudformation:ListStacks',
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Launches'}));
        const view = await screen.findByRole('main', {name: 'Launches'});
        expect(await within(view).findByRole('alert')).toHaveTextContent(
            'The launches could not be listedreading the stacks: AccessDenied: not authorized to cloudformation:ListStacks',
        );
    });
});

describe('leftovers found at start', () => {
    it('are a notice that opens the Launches view', async () => {
        const fake = withLaunches();
        fake.api.leftovers.mockResolvedValueOnce([leftover()]);
        renderApp(fake.api);
        const notice = await screen.findByTestId('leftovers-notice');
        expect(notice).toHaveTextContent('1 launch left behind: cc-shop-api-node-3');
        expect(fake.api.launches).not.toHaveBeenCalled();
        fireEvent.click(within(notice).getByRole('button', {name: 'Open Launches to clean up'}));
        await screen.findByRole('main', {name: 'Launches'});
        expect(fake.api.launches).toHaveBeenCalledWith('');
        expect(screen.queryByTestId('leftovers-notice')).not.toBeInTheDocument();
    });

    it('follow the pushed launches:leftovers', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Start'});
        expect(screen.queryByTestId('leftovers-notice')).not.toBeInTheDocument();
        fake.pushLeftovers([leftover(), leftover({stack: 'cc-shop-api-node-4', stackId: 'x4'})]);
        expect(await screen.findByTestId('leftovers-notice')).toHaveTextContent(
            '2 launches left behind: cc-shop-api-node-3, cc-shop-api-node-4',
        );
        fake.pushLeftovers([]);
        await waitFor(() => expect(screen.queryByTestId('leftovers-notice')).not.toBeInTheDocument());
    });
});
