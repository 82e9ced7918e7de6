import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from '../../test/fakeApi';
import {overview, startPlan, threeTier} from '../../test/envs';
import {deployedThreeTier, leaseResult, notDeployed} from '../../test/inaws';
import {renderApp, renderUI} from '../../test/render';
import {control} from '../../api/types';
import {WhoLine} from './WhoLine';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * three-tier running (five instances), started by alice two hours ago, and (when leaseIn is given) leased by
 * bob, on all five instances or on `leased` of them.
 */
function running(leaseIn?: number, leased = 5) {
    const now = Date.now();
    return threeTier({
        state: 'running',
        instanceState: 'running',
        who: {
            startedBy: 'arn:aws:sts::123456789012:assumed-role/Testers/alice',
            startedByName: 'alice',
            startedAt: iso(now - 2 * 3600e3 - 60e3),
            upInstances: 5,
            ...(leaseIn !== undefined
                ? {
                      leaseUntil: iso(now + leaseIn),
                      leaseBy: 'arn:aws:iam::123456789012:user/bob',
                      leaseByName: 'bob',
                      leasedInstances: leased,
                  }
                : {}),
        },
    });
}

async function openStart(deployment = notDeployed()) {
    const fake = fakeApi(overview([threeTier()]), {'three-tier/start': startPlan()});
    fake.api.deployed.mockResolvedValue(deployment);
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Start'}));
    const dialog = await screen.findByRole('dialog', {name: 'Start three-tier?'});
    await within(dialog).findByTestId('plan');
    return {fake, dialog};
}

const choose = (dialog: HTMLElement, label: string) =>
    fireEvent.click(within(within(dialog).getByTestId('lease-choice')).getByText(label));

describe('start with a lease', () => {
    it('starts with no lease by default, through the plain start', async () => {
        const {fake, dialog} = await openStart();
        expect(within(dialog).getByTestId('lease-choice-text')).toHaveTextContent('It runs until someone stops it.');
        expect(within(dialog).queryByTestId('lease-kept-by')).toBeNull();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.run).toHaveBeenCalledWith('three-tier', 'start'));
        expect(fake.api.startWithLease).not.toHaveBeenCalled();
    });

    it('says only this app keeps it when nothing is deployed, and starts with the lease once confirmed', async () => {
        const {fake, dialog} = await openStart(notDeployed());
        choose(dialog, '2 h');
        expect(within(dialog).getByTestId('lease-choice-text')).toHaveTextContent(
            'Stopped 2 h after the start, unless the lease is extended.',
        );
        const kept = await within(dialog).findByTestId('lease-kept-by');
        expect(kept).toHaveAttribute('data-kept-by', 'app');
        expect(kept).toHaveTextContent('Only this app will stop it at the end, and only while it is open');
        expect(kept).toHaveTextContent('cloudcontrol env deploy three-tier');
        expect(fake.api.deployed).toHaveBeenCalledWith('three-tier');
        // Nothing starts before the confirm.
        expect(fake.api.startWithLease).not.toHaveBeenCalled();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.startWithLease).toHaveBeenCalledWith('three-tier', 7200));
        expect(fake.api.run).not.toHaveBeenCalled();
    });

    it('says AWS keeps it when the stop runbook is deployed', async () => {
        const {fake, dialog} = await openStart(deployedThreeTier());
        choose(dialog, '8 h');
        const kept = await within(dialog).findByTestId('lease-kept-by');
        await waitFor(() => expect(kept).toHaveAttribute('data-kept-by', 'aws'));
        expect(kept).toHaveTextContent('AWS will stop it at the end: the deployed stop runbook runs');
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        await waitFor(() => expect(fake.api.startWithLease).toHaveBeenCalledWith('three-tier', 8 * 3600));
    });

    it('takes a custom length and refuses one out of bounds in words, with Confirm disabled', async () => {
        const {fake, dialog} = await openStart();
        choose(dialog, 'Custom');
        const input = within(dialog).getByLabelText('Lease length');
        const confirm = within(dialog).getByRole('button', {name: 'Confirm start'});
        expect(confirm).toBeDisabled();
        fireEvent.change(input, {target: {value: '8d'}});
        expect(within(dialog).getByText('A lease is at most 7 days')).toBeInTheDocument();
        expect(confirm).toBeDisabled();
        fireEvent.change(input, {target: {value: 'soon'}});
        expect(within(dialog).getByText(/"soon" is not a length/)).toBeInTheDocument();
        fireEvent.change(input, {target: {value: '45m'}});
        expect(confirm).toBeEnabled();
        fireEvent.click(confirm);
        await waitFor(() => expect(fake.api.startWithLease).toHaveBeenCalledWith('three-tier', 2700));
    });

    it('shows why a start with a lease was refused, in the dialog', async () => {
        const {fake, dialog} = await openStart();
        fake.api.startWithLease.mockRejectedValue(
            new Error('the lease could not be set: AccessDenied on ec2:CreateTags'),
        );
        choose(dialog, '1 h');
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm start'}));
        expect(await within(dialog).findByText(/AccessDenied on ec2:CreateTags/)).toBeInTheDocument();
    });
});

describe('lease of a running environment', () => {
    it('sets a lease and says until when, by whom and that AWS keeps it', async () => {
        const fake = fakeApi(overview([running()]));
        renderApp(fake.api);
        const panel = await screen.findByTestId('lease-panel');
        expect(within(panel).getByTestId('lease-now')).toHaveTextContent('No lease: it runs until someone stops it.');
        fireEvent.click(within(panel).getByRole('button', {name: 'Set lease'}));
        await waitFor(() => expect(fake.api.lease).toHaveBeenCalledWith('three-tier', 7200));
        const result = await within(panel).findByTestId('lease-result');
        expect(result).toHaveTextContent('Lease set');
        expect(result).toHaveTextContent(', by me (5 instances)');
        expect(result).toHaveAttribute('data-kept-by', 'aws');
        expect(within(result).getByTestId('lease-kept-by')).toHaveTextContent(
            'AWS stops it at the end with the deployed stop runbook (schedule cloudcontrol-three-tier/lease), also with this app closed.',
        );
    });

    it('says plainly when only this app keeps the lease, with the notes', async () => {
        const fake = fakeApi(overview([running()]));
        fake.api.lease.mockResolvedValue(
            leaseResult({
                keptBy: 'app',
                schedule: '',
                notes: ['AWS does not keep this lease: no stop runbook is deployed (env deploy three-tier)'],
            }),
        );
        renderApp(fake.api);
        const panel = await screen.findByTestId('lease-panel');
        fireEvent.change(within(panel).getByRole('textbox', {name: 'Length'}), {target: {value: 'Custom…'}});
        fireEvent.click(await screen.findByRole('option', {name: 'Custom…'}));
        fireEvent.change(within(panel).getByLabelText('Custom length'), {target: {value: '30m'}});
        fireEvent.click(within(panel).getByRole('button', {name: 'Set lease'}));
        await waitFor(() => expect(fake.api.lease).toHaveBeenCalledWith('three-tier', 1800));
        const result = await within(panel).findByTestId('lease-result');
        expect(within(result).getByTestId('lease-kept-by')).toHaveTextContent(
            'Only stopped while this app is open: with the app closed, nothing stops it.',
        );
        expect(within(result).getByTestId('lease-notes')).toHaveTextContent('no stop runbook is deployed');
    });

    it("extends someone else's lease and names whose it was", async () => {
        const fake = fakeApi(overview([running(20 * 60e3)]));
        fake.api.extendLease.mockResolvedValue(
            leaseResult({previousByName: 'bob', previousBy: 'arn:aws:iam::123456789012:user/bob'}),
        );
        renderApp(fake.api);
        const panel = await screen.findByTestId('lease-panel');
        expect(within(panel).getByTestId('lease-now')).toHaveTextContent(/Leased until .* by bob: lease ends in 19m/);
        fireEvent.click(within(panel).getByRole('button', {name: 'Extend +2 h'}));
        await waitFor(() => expect(fake.api.extendLease).toHaveBeenCalledWith('three-tier', 7200));
        expect(await within(panel).findByTestId('lease-previous')).toHaveTextContent("It was bob's lease");
        fireEvent.click(within(panel).getByRole('button', {name: 'Extend +1 h'}));
        await waitFor(() => expect(fake.api.extendLease).toHaveBeenCalledWith('three-tier', 3600));
    });

    it('says the lease covers the whole environment, or only the instances it covers, as the header does', async () => {
        const whole = fakeApi(overview([running(20 * 60e3)]));
        const {unmount} = renderApp(whole.api);
        let panel = await screen.findByTestId('lease-panel');
        expect(within(panel).getByTestId('lease-now')).toHaveTextContent(/^Leased until .* by bob: lease ends in 19m/);
        expect(screen.getByTestId('lease')).not.toHaveTextContent('running instances');
        unmount();

        // A launch's ttl leased only its new instance: one of the five.
        const partial = fakeApi(overview([running(20 * 60e3, 1)]));
        renderApp(partial.api);
        panel = await screen.findByTestId('lease-panel');
        expect(within(panel).getByTestId('lease-now')).toHaveTextContent(
            /^Leased until .* by bob, on 1 of 5 running instances: lease ends in 19m/,
        );
        expect(screen.getByTestId('lease')).toHaveTextContent(/\(bob\), on 1 of 5 running instances$/);
    });

    it('ends a lease only once confirmed', async () => {
        const fake = fakeApi(overview([running(20 * 60e3)]));
        renderApp(fake.api);
        const panel = await screen.findByTestId('lease-panel');
        fireEvent.click(within(panel).getByRole('button', {name: 'End lease'}));
        let ask = await screen.findByRole('dialog', {name: 'End the lease of three-tier?'});
        expect(ask).toHaveTextContent("(bob's lease)");
        fireEvent.click(within(ask).getByRole('button', {name: 'Keep the lease'}));
        await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
        expect(fake.api.endLease).not.toHaveBeenCalled();

        fireEvent.click(within(panel).getByRole('button', {name: 'End lease'}));
        ask = await screen.findByRole('dialog', {name: 'End the lease of three-tier?'});
        fireEvent.click(within(ask).getByRole('button', {name: 'End lease'}));
        await waitFor(() => expect(fake.api.endLease).toHaveBeenCalledWith('three-tier'));
        expect(await within(panel).findByTestId('lease-result')).toHaveTextContent('Lease endedlease ended');
    });

    it('shows a refusal in words and changes nothing on screen', async () => {
        const fake = fakeApi(overview([running(20 * 60e3)]));
        fake.api.extendLease.mockRejectedValue(
            new Error('AWS refused: AccessDenied, scheduler:UpdateSchedule is missing'),
        );
        renderApp(fake.api);
        const panel = await screen.findByTestId('lease-panel');
        fireEvent.click(within(panel).getByRole('button', {name: 'Extend +1 h'}));
        expect(await within(panel).findByRole('alert')).toHaveTextContent(
            'The lease was not changed: AWS refused: AccessDenied, scheduler:UpdateSchedule is missing',
        );
        expect(within(panel).queryByTestId('lease-result')).toBeNull();
    });

    it('is not offered while nothing runs', async () => {
        renderApp(fakeApi(overview([threeTier({instanceState: 'stopped'})])).api);
        await screen.findByRole('main', {name: 'Environment three-tier'});
        expect(screen.queryByTestId('lease-panel')).toBeNull();
    });
});

describe('who has it', () => {
    it('shows who started it and the lease in the header and the sidebar', async () => {
        renderApp(fakeApi(overview([running(79.5 * 60e3)])).api);
        const main = await screen.findByRole('main', {name: 'Environment three-tier'});
        expect(within(main).getByTestId('started-by')).toHaveTextContent(/^started by alice, 2h 0[12]m ago$/);
        expect(within(main).getByTestId('started-by')).toHaveAttribute(
            'title',
            'arn:aws:sts::123456789012:assumed-role/Testers/alice',
        );
        expect(within(main).getByTestId('lease')).toHaveTextContent(/lease ends in 1h 19m \(bob\)/);
        expect(
            within(main).getAllByRole('timer', {name: /^Lease of three-tier: lease ends in 1h 19m$/}),
        ).not.toHaveLength(0);
        const item = screen.getByRole('listitem', {name: 'three-tier'});
        expect(item).toHaveTextContent(/alice 2h 0[12]m ago · lease 1h 19m/);
        expect(item).not.toHaveTextContent('eu-west-1');
    });

    it('counts the lease down as the clock moves', () => {
        const t0 = Date.parse('2025-01-01T10:00:00Z');
        const who = control.Who.createFrom({
            leaseUntil: '2025-01-01T10:02:00Z',
            leaseByName: 'bob',
            leasedInstances: 2,
            upInstances: 5,
        });
        const {rerender} = renderUI(<WhoLine env="three-tier" who={who} now={t0} />);
        expect(screen.getByRole('timer')).toHaveTextContent('lease ends in 2m 00s');
        expect(screen.getByTestId('lease')).toHaveTextContent(
            'lease ends in 2m 00s (bob), on 2 of 5 running instances',
        );
        rerender(<WhoLine env="three-tier" who={who} now={t0 + 61_000} />);
        expect(screen.getByRole('timer', {name: 'Lease of three-tier: lease ends in 59s'})).toBeInTheDocument();
        rerender(<WhoLine env="three-tier" who={who} now={t0 + 120_000} />);
        expect(screen.getByRole('timer')).toHaveTextContent('lease ended');
    });
});

/** three-tier running, what is deployed read once (from the section). */
async function readWhileRunning() {
    const fake = fakeApi(overview([running()]));
    fake.api.deployed.mockResolvedValue(deployedThreeTier());
    renderApp(fake.api);
    const section = await screen.findByTestId('deployed');
    fireEvent.click(within(section).getByRole('button', {name: 'Read what is deployed'}));
    await within(section).findByRole('table', {name: 'Runbooks in AWS'});
    return fake;
}

describe('what is deployed in AWS', () => {
    it('is read only on demand, then shown in full with the next start in the header', async () => {
        const fake = fakeApi(overview([running()]));
        const leaseAt = iso(Date.now() + 3600e3);
        fake.api.deployed.mockResolvedValue(deployedThreeTier({}, leaseAt));
        renderApp(fake.api);
        const section = await screen.findByTestId('deployed');
        expect(fake.api.deployed).not.toHaveBeenCalled();
        expect(screen.queryByTestId('next-scheduled')).toBeNull();
        fireEvent.click(within(section).getByRole('button', {name: 'Read what is deployed'}));
        const docs = await within(section).findByRole('table', {name: 'Runbooks in AWS'});
        expect(fake.api.deployed).toHaveBeenCalledTimes(1);
        const rows = within(docs).getAllByRole('row').slice(1);
        expect(rows[0]).toHaveTextContent('startCloudControl-three-tier-start2no');
        expect(rows[1]).toHaveTextContent('stopCloudControl-three-tier-stop1 (latest 3)changed in AWS');
        expect(section).toHaveTextContent('shows the difference and overwrites it only when confirmed');
        expect(section).toHaveTextContent('Schedule group cloudcontrol-three-tier');
        const sched = within(section).getByRole('table', {name: 'Schedules in AWS'});
        expect(within(sched).getByTestId('schedule-start')).toHaveTextContent(
            'cron(0 7 ? * MON-FRI *) (at 07:00, Monday to Friday)Europe/BerlinENABLED',
        );
        expect(within(sched).getByTestId('schedule-stop')).toHaveTextContent('DISABLEDno more runs');
        expect(within(sched).getByTestId('schedule-lease')).toHaveTextContent(`lease`);
        expect(within(sched).getByTestId('schedule-lease')).toHaveTextContent(`at(${leaseAt.slice(0, 19)})UTCENABLED`);
        expect(within(section).getByTestId('deployed-next')).toHaveTextContent(
            /^Next start .* · no scheduled stop · the lease's stop /,
        );
        expect(within(section).getByTestId('deployed-checked')).toHaveTextContent(/^Checked at .* in eu-west-1\.$/);
        expect(screen.getByTestId('next-scheduled')).toHaveTextContent(/^In AWS: next start .* · lease stop /);

        fireEvent.click(within(section).getByRole('button', {name: 'Refresh'}));
        await waitFor(() => expect(fake.api.deployed).toHaveBeenCalledTimes(2));
    });

    it('says how to deploy when nothing is', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        const section = await screen.findByTestId('deployed');
        fireEvent.click(within(section).getByRole('button', {name: 'Read what is deployed'}));
        expect(await within(section).findByTestId('deployed-none')).toHaveTextContent(
            'Nothing of three-tier is deployed in AWS',
        );
        expect(within(section).getByTestId('deployed-none')).toHaveTextContent('cloudcontrol env deploy three-tier');
        expect(screen.queryByTestId('next-scheduled')).toBeNull();
    });

    it('says why it could not be read, and reads again on Refresh', async () => {
        const fake = fakeApi(overview([threeTier()]));
        fake.api.deployed.mockRejectedValueOnce(new Error('AccessDenied: ssm:GetDocument is missing'));
        renderApp(fake.api);
        const section = await screen.findByTestId('deployed');
        fireEvent.click(within(section).getByRole('button', {name: 'Read what is deployed'}));
        expect(await within(section).findByRole('alert')).toHaveTextContent(
            'What is deployed could not be read: AccessDenied: ssm:GetDocument is missing',
        );
        fireEvent.click(within(section).getByRole('button', {name: 'Read what is deployed'}));
        expect(await within(section).findByTestId('deployed-none')).toBeInTheDocument();
        expect(within(section).queryByRole('alert')).toBeNull();
    });

    it('reads what was deployed again when the dashboard shows the lease moved (set elsewhere)', async () => {
        const fake = await readWhileRunning();
        fake.pushEnvs([running(30 * 60e3)]);
        await waitFor(() => expect(fake.api.deployed).toHaveBeenCalledTimes(2));
    });

    it('a lease change reads what was deployed again (its lease schedule moved)', async () => {
        const fake = await readWhileRunning();
        fireEvent.click(within(screen.getByTestId('lease-panel')).getByRole('button', {name: 'Set lease'}));
        await waitFor(() => expect(fake.api.deployed).toHaveBeenCalledTimes(2));
    });
});
