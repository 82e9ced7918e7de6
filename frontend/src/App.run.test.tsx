import {describe, expect, it, vi} from 'vitest';
import {act, fireEvent, screen, waitFor, within} from '@testing-library/react';
import {op} from './api/types';
import {fakeApi} from './test/fakeApi';
import {overview, startPlan, threeTier} from './test/envs';
import {progress, startStages} from './test/progress';
import {renderApp} from './test/render';

const base = {env: 'three-tier', action: op.Action.START};
const {ACTIVE, READY, SKIPPED, FAILED, CANCELLED} = op.StageStatus;

async function openStartPlan() {
    const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
    const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
    await within(dialog).findByTestId('plan');
    return {fake, dialog};
}

/** The dashboard's three-tier with these stage states, as the Go side decides them during a run. */
function stagesIn(states: Record<string, op.State>) {
    const e = threeTier({state: op.State.STARTING});
    return threeTier({
        state: op.State.STARTING,
        stages: e.stages.map((s) => ({...s, state: states[s.name] ?? s.state})),
    });
}

describe('start: plan, confirm, live progress', () => {
    it('shows the plan before anything is done', async () => {
        const {fake, dialog} = await openStartPlan();
        expect(fake.api.plan).toHaveBeenCalledWith('three-tier', 'start');
        expect(fake.api.run).not.toHaveBeenCalled();
        expect(within(dialog).getByTestId('plan-target')).toHaveTextContent(
            'Acts on account 123456789012 in region eu-west-1 with profile testing as arn:aws:iam::123456789012:user/tester',
        );
        expect(within(dialog).getByTestId('plan-summary')).toHaveTextContent(
            '4 to start, 1 already running: 4 stages, 5 instances; expected to take about 4m 05s',
        );
        // One table for every stage, in run order, each stage a group of its instances.
        const table = within(dialog).getByRole('table', {name: 'Stages in order'});
        const stages = within(table)
            .getAllByRole('rowgroup')
            .filter((g) => g.getAttribute('aria-label')?.startsWith('Stage '));
        expect(stages.map((s) => s.getAttribute('aria-label'))).toEqual([
            'Stage database',
            'Stage cache',
            'Stage app',
            'Stage web',
        ]);
        // The gates as they will be checked, with the addresses filled in.
        expect(within(stages[0]).getByTestId('plan-checks')).toHaveTextContent('running, tcp 10.0.0.1:5432');
        expect(within(stages[2]).getAllByTestId('plan-checks')[0]).toHaveTextContent(
            'running, http http://10.0.0.2:8080/health',
        );
        // database's estimate is how long it took last time; cache's is the generic one.
        expect(stages[0]).toHaveTextContent('as last time');
        expect(stages[1]).not.toHaveTextContent('as last time');
        expect(stages[2]).toHaveTextContent('after database');
        expect(stages[3]).toHaveTextContent('then settles 5s');
        expect(within(stages[0]).getByText('will be started')).toBeInTheDocument();
        expect(within(stages[3]).getByText('already running; its gates are checked')).toBeInTheDocument();
    });

    it('runs only after the explicit confirm, then shows the pushed progress', async () => {
        const {fake, dialog} = await openStartPlan();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledWith('three-tier', 'start'));
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

        fake.pushEvent({...base, type: op.EventType.RUN_STARTED, time: new Date().toISOString(), message: '4 stages'});
        fake.pushEvent({...base, type: op.EventType.STAGE_STARTED, stage: 'database', elapsed: 0.1});
        fake.pushEvent({
            ...base,
            type: op.EventType.GATE_PASSED,
            stage: 'database',
            gate: 'running',
            instance: 'i-0db1',
            name: 'shop-db',
            elapsed: 0.8,
        });
        fake.pushEvent({
            ...base,
            type: op.EventType.GATE_WAITING,
            stage: 'database',
            gate: 'tcp 5432',
            instance: 'i-0db1',
            name: 'shop-db',
            message: '10.0.0.1:5432',
            elapsed: 0.9,
        });
        fake.pushProgress(
            progress({
                elapsed: 0.9,
                events: 4,
                started: new Date().toISOString(),
                stages: startStages({
                    database: {
                        status: ACTIVE,
                        state: op.State.STARTING,
                        passed: 1,
                        started: new Date().toISOString(),
                        timeoutSeconds: 900,
                        waiting: {gate: 'tcp 5432', instance: 'i-0db1', name: 'shop-db', address: '10.0.0.1:5432'},
                    },
                }),
            }),
        );
        fake.pushEnvs([stagesIn({database: op.State.STARTING})]);

        const panel = screen.getByRole('region', {name: 'Run progress'});
        expect(within(panel).getByTestId('run-status')).toHaveTextContent('in progress');
        // The stages' progress is drawn on the stage graph, not repeated in the panel.
        expect(within(panel).queryByTestId('progress-database')).not.toBeInTheDocument();
        const dbProgress = screen.getByTestId('progress-database');
        expect(dbProgress).toHaveAttribute('data-status', 'active');
        // The gate waited on, its address, and the countdown to the stage's timeout, in words.
        expect(screen.getByTestId('waiting-database')).toHaveTextContent(
            /1 of 2 checks · waiting for tcp 5432 on shop-db at 10\.0\.0\.1:5432 · times out in 1[45]m/,
        );
        // The gate checks drawn as steps: one passed, one being checked.
        expect([...dbProgress.querySelectorAll('[data-step]')].map((e) => e.getAttribute('data-step'))).toEqual([
            'passed',
            'checking',
        ]);
        expect(screen.getByTestId('progress-web')).toHaveAttribute('data-status', 'pending');
        expect(within(panel).getByRole('log', {name: 'Activity log'})).toHaveTextContent(
            'running ok on shop-db (i-0db1)',
        );
        // A run in progress holds the environment: no second start from here.
        expect(screen.getByRole('button', {name: 'Start'})).toBeDisabled();
        // The stage graph shows the state the Go side decided, and the gate waited on.
        const dbNode = screen.getByTestId('stage-database');
        expect(within(dbNode).getByTestId('state-badge')).toHaveAttribute('data-state', 'starting');

        expect(within(screen.getByTestId('stage-web')).getByTestId('state-badge')).toHaveAttribute(
            'data-state',
            'stopped',
        );

        fake.pushEvent({
            ...base,
            type: op.EventType.GATE_PASSED,
            stage: 'database',
            gate: 'tcp 5432',
            instance: 'i-0db1',
            elapsed: 2,
        });
        fake.pushEvent({...base, type: op.EventType.STAGE_READY, stage: 'database', elapsed: 2});
        fake.pushProgress(
            progress({
                elapsed: 2,
                events: 6,
                started: new Date().toISOString(),
                stages: startStages({database: {status: READY, state: op.State.RUNNING, passed: 2}}),
            }),
        );
        fake.pushEnvs([stagesIn({database: op.State.RUNNING})]);
        expect(screen.getByTestId('progress-database')).toHaveAttribute('data-status', 'ready');
        expect(screen.queryByTestId('waiting-database')).not.toBeInTheDocument();
        expect(within(dbNode).getByTestId('state-badge')).toHaveAttribute('data-state', 'running');
        expect(dbNode).toHaveTextContent('2 of 2 checks · done');
    });

    it('keeps the later progress when two arrive out of order', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Start'});
        fake.pushProgress(progress({events: 9, stages: startStages({database: {status: READY}})}));
        fake.pushProgress(progress({events: 3, stages: startStages({database: {status: ACTIVE}})}));
        expect(screen.getByTestId('progress-database')).toHaveAttribute('data-status', 'ready');
    });

    it('names the stage, instance and gate of a failure, and resumes in one click', async () => {
        const {fake, dialog} = await openStartPlan();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledTimes(1));
        const gate = 'http http://{{.PrivateIP}}:8080/health';
        fake.pushEvent({...base, type: op.EventType.RUN_STARTED});
        fake.pushEvent({
            ...base,
            type: op.EventType.STAGE_FAILED,
            stage: 'app',
            instance: 'i-0ap2',
            name: 'shop-app-2',
            gate,
            message: 'not healthy after 15m0s: HTTP 503',
            elapsed: 903,
        });
        fake.pushProgress(
            progress({
                outcome: op.Outcome.FAILED,
                elapsed: 903,
                events: 8,
                message: 'start three-tier failed in stage "app": not healthy',
                stages: startStages({
                    database: {status: READY, passed: 2},
                    cache: {status: CANCELLED},
                    app: {status: FAILED, state: op.State.FAILED},
                }),
                failure: {
                    stage: 'app',
                    instance: 'i-0ap2',
                    name: 'shop-app-2',
                    gate,
                    message: 'not healthy after 15m0s: HTTP 503',
                    leftRunning: ['i-0db1 (shop-db)'],
                },
            }),
        );

        // The Go side says it needs attention.
        fake.pushEnvs([threeTier({state: op.State.ATTENTION, instanceState: op.State.PARTLY})]);
        const panel = screen.getByRole('region', {name: 'Run progress'});
        const alert = within(panel).getByTestId('run-failure');
        expect(alert).toHaveTextContent(`Failed at stage app, instance shop-app-2 (i-0ap2), gate ${gate}`);
        expect(alert).toHaveTextContent('not healthy after 15m0s: HTTP 503');
        expect(alert).toHaveTextContent('Left running: i-0db1 (shop-db)');
        expect(within(panel).getByTestId('run-status')).toHaveTextContent('failed');
        expect(within(panel).getByTestId('run-elapsed')).toHaveTextContent('15m 03s');
        expect(screen.getByTestId('progress-cache')).toHaveAttribute('data-status', 'cancelled');
        expect(within(panel).queryByRole('button', {name: 'Cancel run'})).not.toBeInTheDocument();
        // What was left running can be stopped, or the run dismissed.
        expect(within(panel).getByRole('button', {name: 'Stop what was left running'})).toBeInTheDocument();
        expect(within(panel).getByRole('button', {name: 'Dismiss'})).toBeInTheDocument();

        // Resume shows the plan and asks again.
        fireEvent.click(within(panel).getByRole('button', {name: 'Resume'}));
        const again2 = await screen.findByRole('dialog', {name: 'Start three-tier?'});
        await within(again2).findByTestId('plan');
        expect(fake.api.plan).toHaveBeenCalledTimes(2);
        expect(fake.api.run).toHaveBeenCalledTimes(1);
        fireEvent.click(within(again2).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledTimes(2));
        expect(fake.api.run).toHaveBeenLastCalledWith('three-tier', 'start');
        fake.pushEnvs([threeTier({state: op.State.STARTING, instanceState: op.State.PARTLY})]);

        const again = '2025-01-01T11:00:00Z';
        fake.pushEvent({...base, type: op.EventType.RUN_STARTED, elapsed: 0});
        fake.pushEvent({...base, type: op.EventType.STAGE_SKIPPED, stage: 'database', message: 'already ready'});
        fake.pushProgress(
            progress({started: again, events: 2, stages: startStages({database: {status: SKIPPED, passed: 2}})}),
        );
        expect(within(panel).queryByTestId('run-failure')).not.toBeInTheDocument();
        expect(screen.getByTestId('progress-database')).toHaveAttribute('data-status', 'skipped');
        expect(screen.getByTestId('progress-app')).toHaveAttribute('data-status', 'pending');
        fake.pushEvent({
            ...base,
            type: op.EventType.RUN_DONE,
            message: 'start three-tier done after 1m0s',
            elapsed: 60,
        });
        fake.pushProgress(
            progress({
                started: again,
                outcome: op.Outcome.DONE,
                events: 7,
                elapsed: 60,
                message: 'start three-tier done after 1m0s',
                stages: startStages({
                    database: {status: SKIPPED},
                    cache: {status: READY},
                    app: {status: READY},
                    web: {status: READY},
                }),
            }),
        );
        expect(within(panel).getByTestId('run-status')).toHaveTextContent('done');
        // Done, the panel is one line with a link to its log; the log keeps both attempts.
        expect(within(panel).queryByRole('log')).not.toBeInTheDocument();
        fireEvent.click(within(panel).getByRole('button', {name: 'Show log'}));
        expect(within(panel).getByRole('log')).toHaveTextContent('FAILED on shop-app-2 (i-0ap2)');
        expect(within(panel).getByRole('log')).toHaveTextContent('start three-tier done after 1m0s');
        fireEvent.click(within(panel).getByRole('button', {name: 'Copy log'}));
        await waitFor(() => expect(fake.copied[0]).toMatch(/FAILED on shop-app-2[\s\S]*done after 1m0s\n$/));
    });

    it('cancels the run from the Cancel run button', async () => {
        const {fake, dialog} = await openStartPlan();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalled());
        fake.pushProgress(progress());
        // Cancel asks first.
        fireEvent.click(screen.getByRole('button', {name: 'Cancel run'}));
        const ask = await screen.findByRole('dialog', {name: 'Cancel the start of three-tier?'});
        expect(fake.api.cancel).not.toHaveBeenCalled();
        fireEvent.click(within(ask).getByRole('button', {name: 'Cancel the run'}));
        await waitFor(() => expect(fake.api.cancel).toHaveBeenCalledWith('three-tier'));
        fake.pushProgress(
            progress({
                outcome: op.Outcome.CANCELLED,
                events: 5,
                elapsed: 4,
                message: 'cancelled; shop-db left running',
            }),
        );
        expect(screen.getByTestId('run-status')).toHaveTextContent('cancelled');
        expect(screen.getByTestId('run-cancelled')).toHaveTextContent('cancelled; shop-db left running');
    });

    it('keeps the dialog open with the reason when the run cannot begin', async () => {
        const {fake, dialog} = await openStartPlan();
        const why = 'three-tier is busy: "stop" by alice (pid 42, cli)';
        fake.api.run.mockImplementationOnce(async () => {
            // The Go side pushes the refusal as the run's progress, then rejects.
            fake.pushProgress({
                env: 'three-tier',
                action: op.Action.START,
                outcome: op.Outcome.REFUSED,
                started: '0001-01-01T00:00:00Z',
                events: 1,
                elapsed: 0,
                stages: [],
                failure: {message: why},
                message: why,
            });
            throw new Error(why);
        });
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        expect(await within(dialog).findByRole('alert')).toHaveTextContent('three-tier is busy');
        expect(screen.getByTestId('run-status')).toHaveTextContent('could not begin');
        expect(screen.getByTestId('run-failure')).toHaveTextContent('Could not begin');
    });

    it('follows a run started elsewhere (the tray) from its pushed progress alone', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Stop'});
        const stop = ['web', 'app', 'cache', 'database'].map((name) => ({
            name,
            total: 1,
            passed: 0,
            status: name === 'web' ? ACTIVE : op.StageStatus.PENDING,
            instances: [],
        }));
        fake.pushEvent({env: 'three-tier', action: op.Action.STOP, type: op.EventType.STAGE_STARTED, stage: 'web'});
        fake.pushProgress(progress({action: op.Action.STOP, events: 2, stages: stop}));
        const panel = screen.getByRole('region', {name: 'Run progress'});
        expect(screen.getByTestId('progress-web')).toHaveAttribute('data-status', 'active');
        expect(screen.getByTestId('progress-database')).toHaveAttribute('data-status', 'pending');
        expect(panel).toHaveTextContent('Stop three-tier');
    });

    it('catches up on a run under way when the window opens', async () => {
        const fake = fakeApi(
            overview([threeTier()], {runs: [progress({events: 2, stages: startStages({database: {status: ACTIVE}})})]}),
        );
        fake.api.runLog.mockResolvedValue([
            op.Event.createFrom({...base, type: op.EventType.STAGE_STARTED, stage: 'database', elapsed: 1}),
        ]);
        renderApp(fake.api);
        const panel = await screen.findByRole('region', {name: 'Run progress'});
        expect(screen.getByTestId('progress-database')).toHaveAttribute('data-status', 'active');
        await waitFor(() => expect(within(panel).getByRole('log')).toHaveTextContent('stage database: started'));
        expect(fake.api.runLog).toHaveBeenCalledWith('three-tier');
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
            // One overview and one read of the settings (the colour scheme), then nothing asked again.
            for (const call of [fake.api.overview, fake.api.settings]) expect(call).toHaveBeenCalledTimes(1);
            for (const call of [fake.api.plan, fake.api.refresh, fake.api.runLog]) expect(call).not.toHaveBeenCalled();
            fake.pushEnvs([threeTier({state: 'running'})]);
            expect(
                within(screen.getByRole('listitem', {name: 'three-tier'})).getByTestId('state-badge'),
            ).toHaveAttribute('data-state', 'running');
        } finally {
            vi.useRealTimers();
        }
    });
});
