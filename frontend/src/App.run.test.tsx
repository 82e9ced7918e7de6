import {describe, expect, it, vi} from 'vitest';
import {act, fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from './test/fakeApi';
import {overview, startPlan, threeTier} from './test/envs';
import {renderApp} from './test/render';

const base = {env: 'three-tier', action: 'start'};

async function openStartPlan() {
    const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
    const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
    await within(dialog).findByTestId('plan');
    return {fake, dialog};
}

describe('start: plan, confirm, live progress', () => {
    it('shows the plan before anything is done', async () => {
        const {fake, dialog} = await openStartPlan();
        expect(fake.api.plan).toHaveBeenCalledWith('three-tier', 'start');
        expect(fake.api.run).not.toHaveBeenCalled();
        expect(within(dialog).getByTestId('plan-target')).toHaveTextContent('Acts on account 123456789012 in region eu-west-1 with profile testing');
        expect(within(dialog).getByTestId('plan-summary')).toHaveTextContent('4 stages, 5 instances; expected to take about 4m 05s');
        const stages = within(within(dialog).getByRole('list', {name: 'Stages in order'})).getAllByRole('listitem');
        expect(stages.map((s) => s.getAttribute('aria-label'))).toEqual(['Stage database', 'Stage cache', 'Stage app', 'Stage web']);
        expect(stages[0]).toHaveTextContent('Gates: running → tcp 5432');
        // database's estimate is how long it took last time; cache's is the generic one.
        expect(stages[0]).toHaveTextContent('as last time');
        expect(stages[1]).not.toHaveTextContent('as last time');
        expect(stages[2]).toHaveTextContent('after database');
        expect(stages[3]).toHaveTextContent('Gates: running → delay 5s');
        expect(within(stages[0]).getByText('will be started')).toBeInTheDocument();
        expect(within(stages[3]).getByText('already running; its gates are checked')).toBeInTheDocument();
    });

    it('runs only after the explicit confirm, then follows the pushed events', async () => {
        const {fake, dialog} = await openStartPlan();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledWith('three-tier', 'start'));
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

        fake.pushEvent({...base, type: 'run-started', time: new Date().toISOString(), message: '4 stages'});
        fake.pushEvent({...base, type: 'stage-started', stage: 'database', elapsed: 0.1});
        fake.pushEvent({...base, type: 'gate-passed', stage: 'database', gate: 'running', instance: 'i-0db1', name: 'shop-db', elapsed: 0.8});
        fake.pushEvent({...base, type: 'gate-waiting', stage: 'database', gate: 'tcp 5432', instance: 'i-0db1', name: 'shop-db', message: '10.0.0.1:5432', elapsed: 0.9});

        const panel = screen.getByRole('region', {name: 'Run progress'});
        expect(within(panel).getByTestId('run-status')).toHaveTextContent('in progress');
        expect(within(panel).getByTestId('progress-database')).toHaveAttribute('data-status', 'active');
        expect(within(panel).getByTestId('waiting-database')).toHaveTextContent('waiting for tcp 5432 on shop-db (10.0.0.1:5432)');
        expect(within(panel).getByRole('progressbar', {name: 'database progress'})).toHaveAttribute('aria-valuenow', '50');
        expect(within(panel).getByTestId('progress-web')).toHaveAttribute('data-status', 'pending');
        expect(within(panel).getByRole('log', {name: 'Activity log'})).toHaveTextContent('running ok on shop-db (i-0db1)');
        // A run in progress holds the environment: no second start from here.
        expect(screen.getByRole('button', {name: 'Start'})).toBeDisabled();
        // The stage graph follows the events at once, not the next refresh.
        const dbNode = screen.getByTestId('stage-database');
        expect(within(dbNode).getByTestId('state-badge')).toHaveAttribute('data-state', 'starting');
        expect(within(dbNode).getByTestId('stage-detail-database')).toHaveTextContent('waiting for tcp 5432 on shop-db');
        expect(within(screen.getByTestId('stage-web')).getByTestId('state-badge')).toHaveAttribute('data-state', 'stopped');

        fake.pushEvent({...base, type: 'gate-passed', stage: 'database', gate: 'tcp 5432', instance: 'i-0db1', elapsed: 2});
        fake.pushEvent({...base, type: 'stage-ready', stage: 'database', elapsed: 2});
        expect(within(panel).getByTestId('progress-database')).toHaveAttribute('data-status', 'ready');
        expect(within(panel).queryByTestId('waiting-database')).not.toBeInTheDocument();
        expect(within(dbNode).getByTestId('state-badge')).toHaveAttribute('data-state', 'running');
        expect(within(dbNode).getByTestId('stage-detail-database')).toHaveTextContent('gates: tcp');
    });

    it('names the stage, instance and gate of a failure, and resumes in one click', async () => {
        const {fake, dialog} = await openStartPlan();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledTimes(1));
        fake.pushEvent({...base, type: 'run-started'});
        fake.pushEvent({...base, type: 'stage-started', stage: 'database'});
        fake.pushEvent({...base, type: 'stage-ready', stage: 'database', elapsed: 3});
        fake.pushEvent({...base, type: 'stage-started', stage: 'app', elapsed: 3});
        fake.pushEvent({...base, type: 'stage-started', stage: 'cache', elapsed: 3});
        fake.pushEvent({...base, type: 'stage-failed', stage: 'app', instance: 'i-0ap2', name: 'shop-app-2', gate: 'http http://{{.PrivateIP}}:8080/health', message: 'not healthy after 15m0s: HTTP 503', elapsed: 903});
        fake.pushEvent({...base, type: 'stage-cancelled', stage: 'cache', message: 'abandoned', elapsed: 903});
        fake.pushEvent({...base, type: 'run-failed', stage: 'app', instance: 'i-0ap2', name: 'shop-app-2', gate: 'http http://{{.PrivateIP}}:8080/health', message: 'start three-tier failed in stage "app"', elapsed: 903});
        fake.pushProgress({...base, done: true, outcome: 'failed', elapsed: 903, error: 'start three-tier failed in stage "app": not healthy',
            stages: [{name: 'database', status: 'ready', message: ''}, {name: 'cache', status: 'cancelled', message: ''}, {name: 'app', status: 'failed', message: ''}, {name: 'web', status: 'not-started', message: ''}],
            failure: {stage: 'app', instance: 'i-0ap2', name: 'shop-app-2', gate: 'http http://{{.PrivateIP}}:8080/health', message: 'not healthy after 15m0s: HTTP 503', leftRunning: ['i-0db1 (shop-db)']}});

        const panel = screen.getByRole('region', {name: 'Run progress'});
        const alert = within(panel).getByTestId('run-failure');
        expect(alert).toHaveTextContent('Failed at stage app, instance shop-app-2 (i-0ap2), gate http http://{{.PrivateIP}}:8080/health');
        expect(alert).toHaveTextContent('not healthy after 15m0s: HTTP 503');
        expect(alert).toHaveTextContent('Left running: i-0db1 (shop-db)');
        expect(within(panel).getByTestId('run-status')).toHaveTextContent('failed');
        expect(within(panel).getByTestId('run-elapsed')).toHaveTextContent('15m 03s');
        expect(within(panel).getByTestId('progress-cache')).toHaveAttribute('data-status', 'cancelled');
        expect(within(panel).queryByRole('button', {name: 'Cancel run'})).not.toBeInTheDocument();

        fireEvent.click(within(panel).getByRole('button', {name: 'Resume'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledTimes(2));
        expect(fake.api.run).toHaveBeenLastCalledWith('three-tier', 'start');
        // Resume goes straight to the run: no second plan dialog.
        expect(fake.api.plan).toHaveBeenCalledTimes(1);

        fake.pushEvent({...base, type: 'run-started', elapsed: 0});
        fake.pushEvent({...base, type: 'stage-skipped', stage: 'database', message: 'already ready'});
        expect(within(panel).queryByTestId('run-failure')).not.toBeInTheDocument();
        expect(within(panel).getByTestId('progress-database')).toHaveAttribute('data-status', 'skipped');
        expect(within(panel).getByTestId('progress-app')).toHaveAttribute('data-status', 'pending');
        for (const stage of ['app', 'cache', 'web']) fake.pushEvent({...base, type: 'stage-ready', stage, elapsed: 60});
        fake.pushEvent({...base, type: 'run-done', message: 'start three-tier done after 1m0s', elapsed: 60});
        expect(within(panel).getByTestId('run-status')).toHaveTextContent('done');
        // The log keeps both attempts.
        expect(within(panel).getByRole('log')).toHaveTextContent('FAILED on shop-app-2 (i-0ap2)');
        expect(within(panel).getByRole('log')).toHaveTextContent('start three-tier done after 1m0s');
    });

    it('cancels the run from the Cancel run button', async () => {
        const {fake, dialog} = await openStartPlan();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalled());
        fake.pushEvent({...base, type: 'run-started'});
        fireEvent.click(screen.getByRole('button', {name: 'Cancel run'}));
        await waitFor(() => expect(fake.api.cancel).toHaveBeenCalledWith('three-tier'));
        fake.pushEvent({...base, type: 'run-cancelled', message: 'cancelled; shop-db left running', elapsed: 4});
        expect(screen.getByTestId('run-status')).toHaveTextContent('cancelled');
        expect(screen.getByRole('region', {name: 'Run progress'})).toHaveTextContent('cancelled; shop-db left running');
    });

    it('keeps the dialog open with the reason when the run cannot begin', async () => {
        const {fake, dialog} = await openStartPlan();
        fake.api.run.mockRejectedValueOnce(new Error('three-tier is busy: "stop" by alice (pid 42, cli)'));
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        expect(await within(dialog).findByRole('alert')).toHaveTextContent('three-tier is busy');
        expect(screen.getByTestId('run-status')).toHaveTextContent('could not begin');
    });

    it('follows a run started elsewhere (the tray) from its events alone', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Stop'});
        const stop = {env: 'three-tier', action: 'stop'};
        fake.pushEvent({...stop, type: 'run-started'});
        fake.pushEvent({...stop, type: 'stage-started', stage: 'web'});
        const panel = screen.getByRole('region', {name: 'Run progress'});
        // Stop order is the reverse of the file's.
        expect(within(within(panel).getByRole('list', {name: 'Stage progress'})).getAllByRole('listitem').map((l) => l.dataset.testid)).toEqual(['progress-web', 'progress-app', 'progress-cache', 'progress-database']);
        expect(within(panel).getByTestId('progress-web')).toHaveAttribute('data-status', 'active');
    });

    it('never polls: one overview, then only pushed events', async () => {
        vi.useFakeTimers({shouldAdvanceTime: true});
        try {
            const fake = fakeApi(overview([threeTier()]));
            renderApp(fake.api);
            await screen.findByRole('button', {name: 'Start'});
            // Ten minutes of the window's own clocks (uptime, elapsed) ask Go nothing.
            await act(async () => {
                vi.advanceTimersByTime(10 * 60_000);
            });
            for (const call of [fake.api.overview]) expect(call).toHaveBeenCalledTimes(1);
            for (const call of [fake.api.plan, fake.api.refresh, fake.api.runLog, fake.api.settings]) expect(call).not.toHaveBeenCalled();
            fake.pushEnvs([threeTier({state: 'running'})]);
            expect(within(screen.getByRole('listitem', {name: 'three-tier'})).getByTestId('state-badge')).toHaveAttribute('data-state', 'running');
        } finally {
            vi.useRealTimers();
        }
    });
});

