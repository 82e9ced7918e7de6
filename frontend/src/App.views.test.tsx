import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from './test/fakeApi';
import {env, overview, startPlan, threeTier} from './test/envs';
import {renderApp} from './test/render';
import {installFakeLayout} from './test/layout';
import {viewKind} from './api/api';
import {desktop, orchestrate} from './api/types';

installFakeLayout();

const problem = {
    file: '/envs/broken.yaml',
    line: 7,
    col: 12,
    message: 'stage "app": after names "dtabase", which is not a stage',
    source: '    after: [dtabase]',
    text: '',
};

describe('the window', () => {
    it('marks the sandbox and shows the account and region it acts on', async () => {
        const fake = fakeApi(overview([threeTier()], {sandbox: true, sandboxUrl: 'http://127.0.0.1:4566'}));
        renderApp(fake.api);
        expect(await screen.findByTestId('sandbox-badge')).toHaveTextContent('Sandbox');
        expect(screen.getByTestId('header-target')).toHaveTextContent('Account 123456789012 · eu-west-1');
        // The sandbox acts with its own credentials: no profile to switch.
        expect(screen.queryByRole('combobox', {name: 'Active profile'})).not.toBeInTheDocument();
    });

    it('tells the app once when the environment list is first on screen, not before', async () => {
        const fake = fakeApi(overview([]));
        renderApp(fake.api);
        await screen.findByRole('navigation', {name: 'Environments'});
        expect(fake.api.listShown).not.toHaveBeenCalled();
        fake.pushEnvs([threeTier()]);
        await screen.findByRole('button', {name: 'Start'});
        fake.pushEnvs([threeTier(), env('analytics', 'stopped')]);
        await waitFor(() => expect(fake.api.listShown).toHaveBeenCalledTimes(1));
    });

    it("tells the window from a browser by the page's host", () => {
        expect(viewKind('wails')).toBe('window');
        expect(viewKind('wails.localhost')).toBe('window');
        expect(viewKind('localhost')).toBe('browser');
        expect(viewKind('127.0.0.1')).toBe('browser');
    });

    it('has no sandbox mark against real AWS', async () => {
        renderApp(fakeApi(overview([threeTier()])).api);
        await screen.findByRole('button', {name: 'Start'});
        expect(screen.queryByTestId('sandbox-badge')).not.toBeInTheDocument();
    });

    it('draws the stages as columns by depth', async () => {
        renderApp(fakeApi(overview([threeTier()])).api);
        const graph = await screen.findByRole('list', {name: 'Stages'});
        const col = (n: string) => within(graph).getByTestId(`stage-${n}`).getAttribute('data-column');
        expect([col('database'), col('cache'), col('app'), col('web')]).toEqual(['0', '1', '1', '2']);
        expect(graph.querySelectorAll('path')).toHaveLength(4);
    });

    it('asks before a per-instance action and sends it on confirm', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-web'}));
        // shop-web runs: it can be stopped or rebooted, not started.
        expect(await screen.findByRole('menuitem', {name: 'Start shop-web'})).toBeDisabled();
        fireEvent.click(screen.getByRole('menuitem', {name: 'Reboot shop-web'}));
        const dialog = await screen.findByRole('dialog', {name: 'Reboot shop-web?'});
        expect(dialog).toHaveTextContent('i-0we1');
        expect(dialog).toHaveTextContent('account 123456789012, eu-west-1');
        expect(fake.api.instanceAction).not.toHaveBeenCalled();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm reboot'}));
        await waitFor(() => expect(fake.api.instanceAction).toHaveBeenCalledWith('three-tier', 'i-0we1', 'reboot'));
        await waitFor(() => expect(screen.queryByRole('dialog', {name: 'Reboot shop-web?'})).not.toBeInTheDocument());
    });

    it('keeps the dialog with the reason when the instance action is refused', async () => {
        const fake = fakeApi(overview([threeTier()]));
        fake.api.instanceAction.mockRejectedValueOnce(new Error('three-tier is busy: "start" by bob'));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-db'}));
        fireEvent.click(await screen.findByRole('menuitem', {name: 'Start shop-db'}));
        const dialog = await screen.findByRole('dialog', {name: 'Start shop-db?'});
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        expect(await within(dialog).findByRole('alert')).toHaveTextContent('three-tier is busy');
    });

    it('shows a broken file in place of the environment, with FILE:LINE:COL and the line', async () => {
        renderApp(fakeApi(overview([env('broken.yaml', 'invalid', {usable: false, problems: [problem]})])).api);
        const region = await screen.findByRole('region', {name: 'File problems'});
        expect(region).toHaveTextContent('/envs/broken.yaml:7:12');
        expect(region).toHaveTextContent('after names "dtabase"');
        const line = within(region).getByLabelText('Line 7');
        expect(line).toHaveTextContent('7 | after: [dtabase]');
        // The caret sits under column 12.
        expect(line.textContent!.split('\n')[1]).toBe(' '.repeat(7 + 11) + '^');
        expect(region).toHaveTextContent('The file cannot be used');
        expect(screen.getByRole('button', {name: 'Start'})).toBeDisabled();
        expect(screen.queryByRole('table', {name: 'Instances'})).not.toBeInTheDocument();
    });

    it('says when the last good version of a broken file is still usable', async () => {
        renderApp(fakeApi(overview([threeTier({problems: [problem]})])).api);
        const region = await screen.findByRole('region', {name: 'File problems'});
        expect(region).toHaveTextContent('The last good version of this environment is still usable');
        expect(screen.getByRole('button', {name: 'Start'})).toBeEnabled();
        expect(screen.getByRole('table', {name: 'Instances'})).toBeInTheDocument();
    });

    it('shows who holds a busy environment and blocks starting it', async () => {
        renderApp(
            fakeApi(
                overview([
                    threeTier({
                        busy: {pid: 42, user: 'alice', action: 'stop', client: 'cli', since: '2025-01-01T10:02:03Z'},
                    }),
                ]),
            ).api,
        );
        expect(await screen.findByTestId('env-busy')).toHaveTextContent('Busy: stop by alice, cli, pid 42');
        expect(screen.getByRole('button', {name: 'Start'})).toBeDisabled();
        expect(screen.getByRole('button', {name: 'Stop'})).toBeDisabled();
    });

    it('lists, adds and removes environment folders in Settings', async () => {
        const fake = fakeApi(overview([threeTier()], {folders: ['/home/tester/envs', '/work/environments']}));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Settings'}));
        const dialog = await screen.findByRole('dialog', {name: 'Settings'});
        const list = within(dialog).getByRole('list', {name: 'Environment folders'});
        expect(
            within(list)
                .getAllByRole('listitem')
                .map((i) => i.getAttribute('aria-label')),
        ).toEqual(['/home/tester/envs', '/work/environments']);
        fireEvent.click(within(dialog).getByRole('button', {name: 'Add folder…'}));
        expect(await within(list).findByRole('listitem', {name: '/home/tester/more-envs'})).toBeInTheDocument();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Remove folder /home/tester/envs'}));
        await waitFor(() =>
            expect(within(list).queryByRole('listitem', {name: '/home/tester/envs'})).not.toBeInTheDocument(),
        );
        expect(fake.api.removeFolder).toHaveBeenCalledWith('/home/tester/envs');
    });

    it('shows a damaged settings file until it is fixed, and says so in Settings', async () => {
        const damaged =
            'the settings file /home/tester/.config/cloudcontrol/settings.json is damaged (unexpected end of JSON input): fix it or remove it';
        const fake = fakeApi(overview([threeTier()], {settingsProblem: damaged}));
        renderApp(fake.api);
        fireEvent.click(await screen.findByTestId('settings-problem'));
        const dialog = await screen.findByRole('dialog', {name: 'Settings'});
        expect(within(dialog).getByTestId('settings-file-problem')).toHaveTextContent(damaged);
        fake.pushSettings(desktop.SettingsView.createFrom({folders: ['/envs'], refreshSeconds: 15}));
        await waitFor(() => expect(screen.queryByTestId('settings-problem')).not.toBeInTheDocument());
        expect(within(dialog).queryByTestId('settings-file-problem')).not.toBeInTheDocument();
    });

    it('says a plan acts with the keys in the environment variables, not a profile', async () => {
        const plan = orchestrate.Plan.createFrom({...startPlan(), profile: '(environment)'});
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': plan});
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const target = await screen.findByTestId('plan-target');
        expect(target).toHaveTextContent(
            'Acts on account 123456789012 in region eu-west-1 with the keys in the environment variables',
        );
        expect(target).not.toHaveTextContent('profile');
    });

    it('opens the start plan with S, the stop plan with X, refreshes with R and lists the shortcuts', async () => {
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Start'});
        fireEvent.keyDown(document.documentElement, {key: 's'});
        expect(await screen.findByRole('dialog', {name: 'Start three-tier?'})).toBeInTheDocument();
        fireEvent.keyDown(screen.getByRole('dialog'), {key: 'Escape'});
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
        fireEvent.keyDown(document.documentElement, {key: 'x'});
        const stopDialog = await screen.findByRole('dialog', {name: 'Stop three-tier?'});
        await waitFor(() => expect(stopDialog).toHaveTextContent('no plan for three-tier/stop'));
        fireEvent.keyDown(screen.getByRole('dialog'), {key: 'Escape'});
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
        fireEvent.keyDown(document.documentElement, {key: 'r'});
        expect(fake.api.refresh).toHaveBeenCalledTimes(1);
        fireEvent.keyDown(document.documentElement, {key: 'k', ctrlKey: true});
        expect(screen.getByRole('textbox', {name: 'Search instances'})).toHaveFocus();
        fireEvent.click(screen.getByRole('button', {name: 'Keyboard shortcuts'}));
        expect(await screen.findByRole('table', {name: 'Keyboard shortcuts'})).toHaveTextContent(
            'Start the environment',
        );
    });

    it('switches environments from the sidebar', async () => {
        renderApp(fakeApi(overview([threeTier(), env('payments', 'running', {description: 'Payments staging'})])).api);
        await screen.findByRole('main', {name: 'Environment three-tier'});
        fireEvent.click(screen.getByTestId('env-item-payments'));
        expect(await screen.findByRole('main', {name: 'Environment payments'})).toHaveTextContent('Payments staging');
    });
});
