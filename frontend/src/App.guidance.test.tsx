import {afterEach, describe, expect, it, vi} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from './test/fakeApi';
import {env, overview, startPlan, threeTier} from './test/envs';
import {progress, startStages} from './test/progress';
import {renderApp} from './test/render';
import {installFakeLayout} from './test/layout';
import {mediaQuery} from './test/media';
import {desktop, op} from './api/types';

installFakeLayout();

const problem = {
    file: '/envs/three-tier.yaml',
    line: 4,
    col: 28,
    message: "not valid YAML: did not find expected ',' or ']'",
    source: '\tinstances: [{name: shop-db}',
    text: '',
};

describe('one obvious next action', () => {
    it('makes Start solid when the instances are stopped and Stop solid when they run, neither looking disabled', async () => {
        const fake = fakeApi(overview([threeTier({instanceState: op.State.STOPPED}), env('web', 'running')]));
        renderApp(fake.api);
        const start = await screen.findByRole('button', {name: 'Start'});
        const stop = screen.getByRole('button', {name: 'Stop'});
        expect(start).toHaveAttribute('data-emphasis', 'primary');
        expect(stop).toHaveAttribute('data-emphasis', 'secondary');
        expect(stop).toBeEnabled();
        expect(stop).toHaveAttribute('data-variant', 'default');
        fireEvent.click(screen.getByTestId('env-item-web'));
        await screen.findByRole('main', {name: 'Environment web'});
        expect(screen.getByRole('button', {name: 'Stop'})).toHaveAttribute('data-emphasis', 'primary');
        expect(screen.getByRole('button', {name: 'Start'})).toHaveAttribute('data-emphasis', 'secondary');
    });
});

describe('a state that tells the truth after things go wrong', () => {
    const failed = () =>
        progress({
            outcome: op.Outcome.FAILED,
            events: 9,
            stages: startStages({database: {status: op.StageStatus.READY}, app: {status: op.StageStatus.FAILED}}),
            failure: {stage: 'app', message: 'not healthy', leftRunning: ['i-0db1 (shop-db)']},
        });

    it('says needs attention in the sidebar and the header, with what the instances say, until dismissed', async () => {
        const fake = fakeApi(
            overview([threeTier({state: op.State.ATTENTION, instanceState: op.State.PARTLY}), env('web', 'running')], {
                runs: [failed()],
            }),
        );
        renderApp(fake.api);
        const main = await screen.findByRole('main', {name: 'Environment three-tier'});
        expect(within(screen.getByRole('listitem', {name: 'three-tier'})).getByTestId('state-badge')).toHaveAttribute(
            'data-state',
            'needs attention',
        );
        expect(within(main).getAllByTestId('state-badge')[0]).toHaveTextContent('needs attention');
        expect(within(main).getByTestId('instance-state')).toHaveTextContent('instances partly running');
        // The run panel holds the next action: the header's Start and Stop are plain.
        expect(screen.getByRole('button', {name: 'Stop'})).toHaveAttribute('data-emphasis', 'secondary');
        expect(screen.getByRole('button', {name: 'Resume'})).toHaveAttribute('data-emphasis', 'primary');
        const panel = screen.getByRole('region', {name: 'Run progress'});
        fireEvent.click(within(panel).getByRole('button', {name: 'Stop what was left running'}));
        expect(await screen.findByRole('dialog', {name: 'Stop three-tier?'})).toBeInTheDocument();
        expect(fake.api.plan).toHaveBeenCalledWith('three-tier', 'stop');
        fireEvent.keyDown(screen.getByRole('dialog'), {key: 'Escape'});
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
        fireEvent.click(within(panel).getByRole('button', {name: 'Dismiss'}));
        await waitFor(() => expect(fake.api.dismiss).toHaveBeenCalledWith('three-tier'));
        // The stages show where the run stopped while it needs attention.
        expect(screen.getByTestId('progress-app')).toHaveAttribute('data-status', 'failed');
        expect(screen.getByTestId('progress-web')).toHaveTextContent('0 of 2 checks · waiting');
    });

    it('shows a stage never begun as not started and a cancelled one as cancelled, never waiting', async () => {
        const cancelled = progress({
            outcome: op.Outcome.CANCELLED,
            events: 5,
            message: 'start three-tier cancelled; ready: none; in progress: database',
            stages: startStages({
                database: {status: op.StageStatus.CANCELLED},
                cache: {status: op.StageStatus.NOT_STARTED},
                app: {status: op.StageStatus.NOT_STARTED},
                web: {status: op.StageStatus.NOT_STARTED},
            }),
        });
        renderApp(fakeApi(overview([threeTier({state: op.State.ATTENTION})], {runs: [cancelled]})).api);
        await screen.findByRole('region', {name: 'Run progress'});
        expect(screen.getByTestId('progress-database')).toHaveTextContent('cancelled');
        expect(screen.getByTestId('progress-web')).toHaveTextContent('not started');
        expect(screen.getByRole('list', {name: 'Stages'})).not.toHaveTextContent(/waiting|active/);
        expect(screen.getByTestId('run-cancelled')).toHaveTextContent('in progress: database');
    });
});

describe('honest freshness', () => {
    it('says stale since the last good read, with the reason, and Retry reads AWS again, showing it works', async () => {
        const fake = fakeApi(
            overview([
                threeTier({
                    error: 'AWS had a passing problem (InternalError, DescribeInstances in eu-west-1)',
                    checkedAt: '2025-01-01T10:00:00Z',
                }),
            ]),
        );
        let done: () => void = () => {};
        fake.api.refresh.mockImplementation(() => new Promise<void>((ok) => (done = ok)));
        renderApp(fake.api);
        const stale = await screen.findByTestId('stale');
        const at = new Date('2025-01-01T10:00:00Z').toLocaleTimeString();
        expect(stale).toHaveTextContent(`Stale since ${at}`);
        expect(stale).toHaveTextContent('AWS had a passing problem (InternalError, DescribeInstances in eu-west-1)');
        expect(screen.getByTestId('freshness')).toHaveTextContent(`stale since ${at}`);
        expect(within(screen.getByRole('listitem', {name: 'three-tier'})).getByText(/stale/)).toBeInTheDocument();
        fireEvent.click(within(stale).getByRole('button', {name: 'Retry'}));
        expect(fake.api.refresh).toHaveBeenCalledTimes(1);
        // Refresh shows it is working until the read is done.
        await waitFor(() => expect(screen.getByTestId('refresh')).toHaveAttribute('data-loading', 'true'));
        done();
        await waitFor(() => expect(screen.getByTestId('refresh')).not.toHaveAttribute('data-loading'));
    });

    it('names who started the running instances and the lease left, from their tags', async () => {
        const now = Date.now();
        renderApp(
            fakeApi(
                overview([
                    threeTier({
                        who: {
                            startedBy: 'arn:aws:sts::1:assumed-role/A/alice',
                            startedByName: 'alice',
                            startedAt: new Date(now - 2 * 3600e3).toISOString(),
                            leaseUntil: new Date(now + 80 * 60e3).toISOString(),
                            leaseBy: 'arn:aws:iam::1:user/bob',
                            leaseByName: 'bob',
                            leasedInstances: 1,
                            upInstances: 2,
                        },
                    }),
                ]),
            ).api,
        );
        expect(await screen.findByTestId('started-by')).toHaveTextContent(/started by alice, 2h 0\dm ago/);
        expect(screen.getByTestId('lease')).toHaveTextContent(
            /lease ends in 1h (19|20)m \(bob\), on 1 of 2 running instances/,
        );
    });
});

describe('ways forward from every error', () => {
    it('opens a broken file in the editor or its folder, and marks it in the sidebar', async () => {
        const fake = fakeApi(overview([threeTier({problems: [problem]})]));
        renderApp(fake.api);
        const region = await screen.findByRole('region', {name: 'File problems'});
        fireEvent.click(within(region).getByRole('button', {name: 'Open in editor'}));
        fireEvent.click(within(region).getByRole('button', {name: 'Reveal in folder'}));
        await waitFor(() => expect(fake.api.openFile).toHaveBeenCalledWith('/envs/three-tier.yaml'));
        expect(fake.api.revealFile).toHaveBeenCalledWith('/envs/three-tier.yaml');
        // The caret sits under column 28, the tab spaced out as the line is.
        const [line, caret] = within(region).getByLabelText('Line 4').textContent!.split('\n');
        expect(line).toBe('   4 |     instances: [{name: shop-db}');
        expect(line[caret.indexOf('^')]).toBe('}'); // column 28 of the line as written, a tab before it
        expect(screen.getByRole('listitem', {name: 'three-tier'})).toHaveAttribute('data-file-problem', 'true');
    });

    it('explains a first run with Add folder and Open the examples', async () => {
        const fake = fakeApi(overview([], {folders: []}));
        renderApp(fake.api);
        const empty = await screen.findByRole('region', {name: 'No environments yet'});
        expect(empty).toHaveTextContent('An environment is a YAML file');
        fireEvent.click(within(empty).getByRole('button', {name: 'Add folder…'}));
        await waitFor(() => expect(fake.api.addFolder).toHaveBeenCalled());
        fireEvent.click(within(empty).getByRole('button', {name: 'Open the examples'}));
        await waitFor(() => expect(fake.api.openExamples).toHaveBeenCalled());
        expect(await screen.findByText(/cloudcontrol\/examples: copy one into a folder of yours/)).toBeInTheDocument();
    });

    it('says in words why the plan could not be read, and Retry reads it again', async () => {
        const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
        fake.api.plan.mockRejectedValueOnce(new Error('AWS did not answer within 8s (DescribeInstances in eu-west-1)'));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
        const error = await within(dialog).findByTestId('plan-error');
        expect(error).toHaveTextContent('The plan could not be read');
        expect(error).toHaveTextContent('AWS did not answer within 8s');
        fireEvent.click(within(dialog).getByRole('button', {name: 'Retry'}));
        expect(await within(dialog).findByTestId('plan')).toBeInTheDocument();
        expect(fake.api.plan).toHaveBeenCalledTimes(2);
        expect(within(dialog).getByRole('button', {name: 'Confirm start'})).toBeEnabled();
    });

    it("names the sandbox's own identity in the plan, not a profile", async () => {
        const plan = {...startPlan(), profile: 'default', caller: 'arn:aws:iam::123456789012:user/sandbox'};
        const fake = fakeApi(overview([threeTier()], {sandbox: true}), {'three-tier/start': plan as never});
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
        const target = await screen.findByTestId('plan-target');
        expect(target).toHaveTextContent(
            "Acts on the sandbox's own account 123456789012 in region eu-west-1 as arn:aws:iam::123456789012:user/sandbox",
        );
        expect(target).not.toHaveTextContent('profile');
    });
});

describe('the instance menu does what the console does', () => {
    it('copies the id and addresses, opens the console, says why Session Manager cannot connect, and links the history', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-web'}));
        const menu = await screen.findByTestId('instance-menu');
        fireEvent.click(within(menu).getByRole('menuitem', {name: 'Copy public IP'}));
        await waitFor(() => expect(fake.copied).toEqual(['54.0.0.1']));
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-web'}));
        const again = await screen.findByTestId('instance-menu');
        await waitFor(() => expect(fake.api.instanceInfo).toHaveBeenCalledWith('three-tier', 'i-0we1'));
        const connect = await within(again).findByRole('menuitem', {name: /^Connect with Session Manager/});
        expect(connect).toBeDisabled();
        expect(
            within(again)
                .getAllByTestId('menu-reason')
                .map((r) => r.textContent),
        ).toContain('SSM does not manage it');
        const console = within(again).getByRole('menuitem', {
            name: /Open in the AWS console \(123456789012, eu-west-1\)/,
        });
        fireEvent.click(console);
        await waitFor(() => expect(fake.api.openConsole).toHaveBeenCalledWith('three-tier', 'i-0we1'));
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-db'}));
        fireEvent.click(await screen.findByRole('menuitem', {name: /Starts and stops/}));
        expect(await screen.findByRole('main', {name: 'Usage report'})).toHaveTextContent('Usage report of three-tier');
    });

    it('connects with Session Manager when SSM manages the instance', async () => {
        const fake = fakeApi(overview([threeTier()]));
        fake.api.instanceInfo.mockResolvedValue(
            desktop.InstanceInfo.createFrom({
                id: 'i-0we1',
                account: '123456789012',
                region: 'eu-west-1',
                consoleUrl: '',
                consoleProblem: 'the sandbox has no AWS console',
                connect: {available: true, command: ['aws', 'ssm', 'start-session', '--target', 'i-0we1']},
            }),
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-web'}));
        const item = await screen.findByRole('menuitem', {name: /^Connect with Session Manager/});
        await waitFor(() => expect(item).toBeEnabled());
        fireEvent.click(item);
        await waitFor(() => expect(fake.api.connect).toHaveBeenCalledWith('three-tier', 'i-0we1'));
        expect(await screen.findByText('Opened a Session Manager terminal on shop-web')).toBeInTheDocument();
    });
});

describe('logs, settings and the window', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('shows the log file with Open, the version, the colour scheme and the notifications in Settings', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Settings'}));
        const dialog = await screen.findByRole('dialog', {name: 'Settings'});
        expect(await within(dialog).findByTestId('log-file')).toHaveTextContent('cloudcontrol.log');
        expect(within(dialog).getByTestId('app-version')).toHaveTextContent('development build, commit 0123456789ab');
        fireEvent.click(within(dialog).getByRole('button', {name: 'Open'}));
        await waitFor(() => expect(fake.api.openLog).toHaveBeenCalled());
        fireEvent.click(within(dialog).getByRole('radio', {name: 'Dark'}));
        await waitFor(() => expect(fake.api.setTheme).toHaveBeenCalledWith('dark'));
        await waitFor(() => expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'dark'));
        fireEvent.click(within(dialog).getByRole('textbox', {name: 'Notifications'}));
        fireEvent.click(await screen.findByRole('option', {name: 'Only failed, cancelled or refused ones'}));
        await waitFor(() => expect(fake.api.setNotifications).toHaveBeenCalledWith('problems'));
    });

    it('folds the sidebar away below 1000 px, behind a button', async () => {
        vi.stubGlobal('matchMedia', (query: string) => mediaQuery(query, query === '(max-width: 999px)'));
        renderApp(fakeApi(overview([threeTier(), env('web', 'running')])).api);
        const show = await screen.findByRole('button', {name: 'Show the environments'});
        expect(show).toHaveAttribute('aria-expanded', 'false');
        fireEvent.click(show);
        fireEvent.click(await screen.findByTestId('env-item-web'));
        expect(await screen.findByRole('main', {name: 'Environment web'})).toBeInTheDocument();
        expect(screen.getByRole('button', {name: 'Show the environments'})).toHaveAttribute('aria-expanded', 'false');
    });

    it('copies and saves the activity log', async () => {
        const fake = fakeApi(overview([threeTier()], {runs: [progress({events: 2})]}));
        fake.api.runLog.mockResolvedValue([
            op.Event.createFrom({
                env: 'three-tier',
                action: 'start',
                type: op.EventType.STAGE_STARTED,
                stage: 'database',
                elapsed: 1,
            }),
        ]);
        renderApp(fake.api);
        const panel = await screen.findByRole('region', {name: 'Run progress'});
        await waitFor(() => expect(within(panel).getByRole('log')).toHaveTextContent('stage database'));
        fireEvent.click(within(panel).getByRole('button', {name: 'Save log…'}));
        await waitFor(() =>
            expect(fake.api.saveLog).toHaveBeenCalledWith('three-tier', '[   1.0s] stage database: started\n'),
        );
        expect(await screen.findByText('/home/tester/three-tier-activity.log')).toBeInTheDocument();
    });
});

describe('numbers people can trust', () => {
    it('keeps the cost figures in place while they are read, and names what they include', async () => {
        const fake = fakeApi(overview([threeTier({instanceState: op.State.STOPPED})]));
        let answer: (v: unknown) => void = () => {};
        fake.api.envCost.mockImplementation(() => new Promise((ok) => (answer = ok as never)));
        renderApp(fake.api);
        const panel = await screen.findByRole('region', {name: 'Cost'});
        // Every figure has its place before the prices arrive: nothing moves when they do.
        expect(within(panel).getByTestId('cost-hourly-now')).toHaveTextContent('Per hour now…');
        const {threeTierCost} = await import('./test/costs');
        answer(threeTierCost({hourlyNow: {usd: 0.0058, any: true}, basis: 'Per hour figures include EBS storage'}));
        await waitFor(() =>
            expect(within(panel).getByTestId('cost-hourly-now')).toHaveTextContent('Per hour now$0.0058 storage only'),
        );
        expect(within(panel).getByTestId('cost-basis')).toHaveTextContent('Per hour figures include EBS storage');
    });
});
