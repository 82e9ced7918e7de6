import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {op} from '../../api/types';
import {fakeApi} from '../../test/fakeApi';
import {overview, threeTier} from '../../test/envs';
import {apiNodePreview, launchProgress, launchedInstance} from '../../test/launches';
import {renderApp} from '../../test/render';
import {installFakeLayout} from '../../test/layout';

installFakeLayout();

/** three-tier with its launch templates (EnvView.templates), and api-node-1 launched into its app stage. */
function launchable(over: object = {}) {
    const e = threeTier({templates: ['api-node', 'worker'], ...over});
    e.stages = e.stages.map((s) =>
        s.name === 'app' ? {...s, instances: [...s.instances, launchedInstance() as never]} : s,
    ) as typeof e.stages;
    return e;
}

async function openLaunch(sandbox = false) {
    const fake = fakeApi(overview([launchable()], {sandbox}));
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Launch…'}));
    const dialog = await screen.findByRole('dialog', {name: 'Launch into three-tier'});
    await within(dialog).findByTestId('launch-target');
    return {fake, dialog};
}

async function choose(dialog: HTMLElement, label: string, option: RegExp) {
    fireEvent.click(within(dialog).getByRole('textbox', {name: label}));
    fireEvent.click(await screen.findByRole('option', {name: option}));
}

describe('launch dialog', () => {
    it('is offered only on an environment that has launch templates', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Start'});
        expect(screen.queryByRole('button', {name: 'Launch…'})).not.toBeInTheDocument();
    });

    it("names the sandbox's own account, with the Sandbox badge", async () => {
        const {dialog} = await openLaunch(true);
        expect(within(dialog).getByTestId('launch-target')).toHaveTextContent(
            "Acts on the sandbox's own account 123456789012 in region eu-west-1 with profile testing as arn:aws:iam::123456789012:user/tester",
        );
        expect(within(within(dialog).getByTestId('launch-target')).getByText('Sandbox')).toBeVisible();
    });

    it('shows the choices, previews what was chosen and launches only after Confirm launch', async () => {
        const {fake, dialog} = await openLaunch();
        expect(fake.api.launchTemplates).toHaveBeenCalledWith('three-tier');
        expect(within(dialog).getByTestId('launch-target')).toHaveTextContent(
            'Acts on account 123456789012 in region eu-west-1 with profile testing as arn:aws:iam::123456789012:user/tester',
        );
        expect(within(dialog).getByTestId('launch-template-about')).toHaveTextContent(
            'Another API node (Amazon Linux 2023), joining the api stage. Joins stage app; a 20 GiB gp3 volume; a DNS name in test.example.com.',
        );
        expect(within(dialog).getByRole('textbox', {name: 'Instance type'})).toHaveValue('t3.medium — $0.0416/hour');
        expect(within(dialog).getByRole('textbox', {name: 'BRANCH'})).toHaveValue('main');
        expect(within(dialog).getByRole('textbox', {name: 'SEED'})).toHaveValue('');
        expect(within(dialog).getByTestId('launch-lease')).toHaveTextContent(
            'Lease: 8h 00m from when it is ready, then it is stopped',
        );
        // Nothing is asked of AWS beyond the choices until Preview, and nothing launched before Confirm.
        expect(fake.api.previewLaunch).not.toHaveBeenCalled();
        expect(within(dialog).queryByRole('button', {name: 'Confirm launch'})).not.toBeInTheDocument();

        await choose(dialog, 'Instance type', /^t3\.large — \$0\.0832\/hour/);
        fireEvent.change(within(dialog).getByRole('textbox', {name: 'BRANCH'}), {target: {value: 'feature-x'}});
        fireEvent.change(within(dialog).getByRole('textbox', {name: 'SEED'}), {target: {value: '42'}});
        fireEvent.change(within(dialog).getByRole('textbox', {name: /^Name/}), {target: {value: ' api-node-1 '}});
        fireEvent.click(within(dialog).getByRole('button', {name: 'Preview'}));
        await waitFor(() =>
            expect(fake.api.previewLaunch).toHaveBeenCalledWith('three-tier', {
                template: 'api-node',
                type: 't3.large',
                name: 'api-node-1',
                tokens: {BRANCH: 'feature-x', SEED: '42'},
            }),
        );
        const preview = await within(dialog).findByTestId('launch-preview');
        const row = (k: string) => within(preview).getByRole('rowheader', {name: k}).closest('tr')!;
        expect(row('Image')).toHaveTextContent('ami-0aa1b2c3d4e5f6789 al2023-ami-2023.6 (from resolve:ssm:');
        expect(row('Subnet and zone')).toHaveTextContent(
            'subnet-0e1a0000000000001 in vpc-0e1a0000000000001, eu-west-1a',
        );
        expect(row('Security groups')).toHaveTextContent('sg-0e1a0000000000001');
        expect(row('DNS name')).toHaveTextContent('api-node-1.shop.test.example.com');
        expect(row('Volume')).toHaveTextContent('20 GiB gp3 at /dev/xvda');
        expect(within(dialog).getByTestId('launch-cost')).toHaveTextContent(
            'Costs $0.04 per hour, $32.13 per month if it keeps running (instance $0.0416/hour, volume $1.76 a month)',
        );
        expect(within(dialog).getByTestId('launch-warnings')).toHaveTextContent('no price in the cache');
        expect(fake.api.launch).not.toHaveBeenCalled();

        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm launch'}));
        await waitFor(() =>
            expect(fake.api.launch).toHaveBeenCalledWith('three-tier', {
                template: 'api-node',
                type: 't3.large',
                name: 'api-node-1',
                tokens: {BRANCH: 'feature-x', SEED: '42'},
                ids: ['l-7f3a9c'],
            }),
        );
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    });

    it('shows every problem when the preview is rejected, and offers no confirm', async () => {
        const {fake, dialog} = await openLaunch();
        fake.api.previewLaunch.mockRejectedValueOnce(
            'cannot launch api-node into three-tier:\n  - subnet subnet-0e1a0000000000001 does not exist\n  - key pair testers does not exist',
        );
        fireEvent.click(within(dialog).getByRole('button', {name: 'Preview'}));
        const alert = await within(dialog).findByTestId('launch-rejected');
        expect(alert).toHaveTextContent('cannot launch api-node into three-tier:');
        expect(
            within(alert)
                .getAllByRole('listitem')
                .map((li) => li.textContent),
        ).toEqual(['subnet subnet-0e1a0000000000001 does not exist', 'key pair testers does not exist']);
        expect(within(dialog).queryByRole('button', {name: 'Confirm launch'})).not.toBeInTheDocument();
        expect(fake.api.launch).not.toHaveBeenCalled();
    });

    it('drops the preview when a choice changes, so what is confirmed is what was shown', async () => {
        const {fake, dialog} = await openLaunch();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Preview'}));
        await within(dialog).findByTestId('launch-preview');
        fireEvent.change(within(dialog).getByRole('textbox', {name: 'BRANCH'}), {target: {value: 'other'}});
        expect(within(dialog).queryByTestId('launch-preview')).not.toBeInTheDocument();
        expect(within(dialog).queryByRole('button', {name: 'Confirm launch'})).not.toBeInTheDocument();
        expect(within(dialog).getByRole('button', {name: 'Preview'})).toBeEnabled();
        expect(fake.api.launch).not.toHaveBeenCalled();
    });

    it('says why a template cannot be launched and does not preview it', async () => {
        const {dialog} = await openLaunch();
        await choose(dialog, 'Template', /^worker/);
        expect(within(dialog).getByTestId('launch-template-problem')).toHaveTextContent(
            'its user-data file launch/worker.sh does not exist',
        );
        expect(within(dialog).getByRole('button', {name: 'Preview'})).toBeDisabled();
    });

    it('keeps the dialog and says why when the launch does not begin', async () => {
        const {fake, dialog} = await openLaunch();
        fake.api.previewLaunch.mockResolvedValueOnce(apiNodePreview({warnings: []}));
        fireEvent.click(within(dialog).getByRole('button', {name: 'Preview'}));
        await within(dialog).findByTestId('launch-preview');
        fake.api.launch.mockRejectedValueOnce(
            'three-tier is busy: "start" by alice (pid 42, cli) since 10:02:03, 3m ago',
        );
        fireEvent.click(within(dialog).getByRole('button', {name: 'Confirm launch'}));
        expect(await within(dialog).findByTestId('launch-error')).toHaveTextContent(
            'three-tier is busy: "start" by alice',
        );
    });
});

describe('live launch panel', () => {
    it('shows each stack, its resources as they come, the boot bar, the DNS name and the outcome', async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Launch…'});
        fake.pushProgress(launchProgress());
        const panel = await screen.findByRole('region', {name: 'Launch progress'});
        expect(panel).toHaveTextContent('Launch api-node-1 in three-tier');
        expect(within(panel).getByTestId('launch-status')).toHaveTextContent('in progress');
        const stack = within(panel).getByRole('region', {name: 'Stack cc-three-tier-api-node-1'});
        expect(within(stack).getByTestId('stack-status')).toHaveTextContent('CREATE_IN_PROGRESS');
        expect(
            within(stack)
                .getAllByTestId('stack-resource')
                .map((r) => r.textContent),
        ).toEqual(['VolumeAWS::EC2::VolumeCREATE_COMPLETE', 'InstanceAWS::EC2::InstanceCREATE_IN_PROGRESS']);
        // No bar before the instance says anything about its boot.
        expect(within(stack).queryByRole('progressbar')).not.toBeInTheDocument();

        fake.pushEvent({
            env: 'three-tier',
            action: op.Action.LAUNCH,
            type: op.EventType.BOOT_PROGRESS,
            stack: 'cc-three-tier-api-node-1',
            name: 'api-node-1',
            percent: 60,
            message: 'starting the API',
            elapsed: 20,
        });
        fake.pushProgress(
            launchProgress(
                {instance: 'i-0a9f1', state: 'running', percent: 60, bootMessage: 'starting the API'},
                {events: 9},
            ),
        );
        expect(
            within(stack).getByRole('progressbar', {name: 'Boot progress of api-node-1: starting the API'}),
        ).toHaveAttribute('aria-valuenow', '60');
        expect(within(stack).getByTestId('stack-instance')).toHaveTextContent('i-0a9f1 is running');
        expect(within(panel).getByRole('log', {name: 'Activity log'})).toHaveTextContent(
            'api-node-1 boot 60% starting the API',
        );

        fake.pushProgress(
            launchProgress(
                {
                    status: 'CREATE_COMPLETE',
                    instance: 'i-0a9f1',
                    state: 'running',
                    percent: 100,
                    dns: 'api-node-1.shop.test.example.com',
                    outcome: op.Outcome.DONE,
                    message: 'api-node-1 ready after 48s',
                },
                {outcome: op.Outcome.DONE, events: 14, message: 'launched api-node-1'},
            ),
        );
        expect(within(panel).getByTestId('launch-status')).toHaveTextContent('done');
        expect(within(stack).getByTestId('stack-dns')).toHaveTextContent('api-node-1.shop.test.example.com');
        expect(within(stack).getByTestId('stack-message')).toHaveTextContent('api-node-1 ready after 48s');
        expect(within(panel).getByTestId('launch-message')).toHaveTextContent('launched api-node-1');
        expect(within(panel).queryByRole('button', {name: /^Cancel/})).not.toBeInTheDocument();
    });

    it("shows the first failure's reason and that the stack was deleted", async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Launch…'});
        fake.pushProgress(
            launchProgress(
                {
                    status: 'DELETE_COMPLETE',
                    reason: 'Instance: The image id ami-0aa1 does not exist',
                    outcome: op.Outcome.FAILED,
                    cleanedUp: true,
                    message: 'api-node-1 failed',
                },
                {
                    outcome: op.Outcome.FAILED,
                    failure: {message: '1 of 1 failed (api-node-1); their stacks were deleted'},
                },
            ),
        );
        const panel = await screen.findByRole('region', {name: 'Launch progress'});
        expect(within(panel).getByTestId('launch-failure')).toHaveTextContent(
            '1 of 1 failed (api-node-1); their stacks were deleted',
        );
        expect(within(panel).getByTestId('stack-reason')).toHaveTextContent(
            'Instance: The image id ami-0aa1 does not exist',
        );
        expect(within(panel).getByTestId('stack-message')).toHaveTextContent(
            'api-node-1 failed (its stack was deleted)',
        );
    });

    it('follows a terminate in the same panel, its stack until it is deleted', async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Launch…'});
        fake.pushProgress(
            launchProgress(
                {
                    status: 'DELETE_COMPLETE',
                    instance: 'i-0a9f1',
                    state: 'terminated',
                    resources: [],
                    outcome: op.Outcome.DONE,
                    cleanedUp: true,
                    message: 'api-node-1 terminated',
                },
                {action: op.Action.TERMINATE, outcome: op.Outcome.DONE, message: 'terminated api-node-1'},
            ),
        );
        const panel = await screen.findByRole('region', {name: 'Terminate progress'});
        expect(panel).toHaveTextContent('Terminate api-node-1 in three-tier');
        expect(within(panel).getByTestId('stack-status')).toHaveTextContent('DELETE_COMPLETE');
        expect(within(panel).getByTestId('stack-instance')).toHaveTextContent('i-0a9f1 is terminated');
        expect(within(panel).getByTestId('launch-message')).toHaveTextContent('terminated api-node-1');
        // A start's run panel is not shown for it.
        expect(screen.queryByRole('region', {name: 'Run progress'})).not.toBeInTheDocument();
    });

    it('asks before cancelling, since cancelling deletes the stacks', async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        await screen.findByRole('button', {name: 'Launch…'});
        fake.pushProgress(launchProgress());
        const panel = await screen.findByRole('region', {name: 'Launch progress'});
        fireEvent.click(within(panel).getByRole('button', {name: 'Cancel launch'}));
        const ask = await screen.findByRole('dialog', {name: 'Cancel the launch?'});
        expect(ask).toHaveTextContent('Its stacks (cc-three-tier-api-node-1) are deleted');
        expect(fake.api.cancel).not.toHaveBeenCalled();
        fireEvent.click(within(ask).getByRole('button', {name: 'Cancel and delete the stacks'}));
        await waitFor(() => expect(fake.api.cancel).toHaveBeenCalledWith('three-tier'));
    });
});

describe('a launched instance in its stage', () => {
    it('shows its boot progress as a bar and its DNS name as its address', async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        const row = (await screen.findAllByTestId('instance-row')).find((r) => r.textContent?.includes('api-node-1'))!;
        expect(within(row).getByRole('progressbar', {name: 'boot 40%: installing packages'})).toHaveAttribute(
            'aria-valuenow',
            '40',
        );
        expect(row).toHaveTextContent('api-node-1.shop.test.example.com');
    });

    it('terminates only after a confirmation naming it and its stack', async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for api-node-1'}));
        fireEvent.click(await screen.findByRole('menuitem', {name: 'Terminate api-node-1'}));
        const dialog = await screen.findByRole('dialog', {name: 'Terminate api-node-1?'});
        expect(fake.api.terminateTarget).toHaveBeenCalledWith('three-tier', 'i-0a9f1');
        expect(await within(dialog).findByTestId('terminate-target')).toHaveTextContent(
            'Terminate api-node-1 (i-0a9f1, t3.medium) of three-tier by deleting its stack cc-three-tier-api-node-1 (CREATE_COMPLETE).',
        );
        expect(dialog).toHaveTextContent('Its DNS record api-node-1.shop.test.example.com is deleted first.');
        expect(fake.api.terminate).not.toHaveBeenCalled();
        fireEvent.click(within(dialog).getByRole('button', {name: 'Terminate'}));
        await waitFor(() => expect(fake.api.terminate).toHaveBeenCalledWith('three-tier', 'i-0a9f1'));
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    });

    it('shows the refusal in words for an instance Cloud Control did not launch', async () => {
        const fake = fakeApi(overview([launchable()]));
        fake.api.terminateTarget.mockRejectedValueOnce(
            'refusing to terminate i-0a9f1 (api-node-1): it has no cloudcontrol:launch tag: Cloud Control did not launch it',
        );
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for api-node-1'}));
        fireEvent.click(await screen.findByRole('menuitem', {name: 'Terminate api-node-1'}));
        const dialog = await screen.findByRole('dialog', {name: 'Terminate api-node-1?'});
        expect(await within(dialog).findByTestId('terminate-refused')).toHaveTextContent(
            'refusing to terminate i-0a9f1 (api-node-1): it has no cloudcontrol:launch tag',
        );
        expect(within(dialog).queryByRole('button', {name: 'Terminate'})).not.toBeInTheDocument();
        expect(fake.api.terminate).not.toHaveBeenCalled();
    });

    it('offers no Terminate for an instance without a launch tag', async () => {
        const fake = fakeApi(overview([launchable()]));
        renderApp(fake.api);
        fireEvent.click(await screen.findByRole('button', {name: 'Actions for shop-db'}));
        const menu = await screen.findByTestId('instance-menu');
        expect(within(menu).queryByRole('menuitem', {name: /^Terminate/})).not.toBeInTheDocument();
    });
});
