import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from '../test/fakeApi';
import {overview, threeTier} from '../test/envs';
import {profileList} from '../test/costs';
import {renderApp} from '../test/render';
import {desktop} from '../api/types';

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

async function openProfiles() {
    const fake = fakeApi(overview([threeTier()]));
    renderApp(fake.api);
    fireEvent.click(await screen.findByRole('button', {name: 'Profiles'}));
    const view = await screen.findByRole('main', {name: 'Profiles'});
    await within(view).findByTestId('profile-work');
    return {fake, view};
}

describe('header profile and region switcher', () => {
    it('shows the active profile with its account and switches profile and region', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        const profile = await screen.findByRole('combobox', {name: 'Active profile'});
        expect(profile).toHaveValue('work');
        expect(
            within(profile)
                .getAllByRole('option')
                .map((o) => o.textContent),
        ).toEqual(['default', 'dev', 'work']);
        await waitFor(() => expect(screen.getByTestId('active-account')).toHaveTextContent('Account 123456789012'));

        fireEvent.change(profile, {target: {value: 'dev'}});
        await waitFor(() => expect(fake.api.useProfile).toHaveBeenCalledWith('dev', ''));
        await waitFor(() => expect(screen.getByRole('combobox', {name: 'Active profile'})).toHaveValue('dev'));
        expect(fake.api.whoAmI).toHaveBeenCalledTimes(2); // the account is asked again for the new profile

        fireEvent.change(screen.getByRole('combobox', {name: 'Active region'}), {target: {value: 'eu-central-1'}});
        await waitFor(() => expect(fake.api.useProfile).toHaveBeenLastCalledWith('dev', 'eu-central-1'));
        await waitFor(() => expect(screen.getByRole('combobox', {name: 'Active region'})).toHaveValue('eu-central-1'));
    });

    it('follows a switch made elsewhere (the tray, the command line)', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await waitFor(() => expect(screen.getByRole('combobox', {name: 'Active profile'})).toHaveValue('work'));
        fake.pushProfiles(profileList({active: 'default', region: 'us-west-2'}));
        expect(screen.getByRole('combobox', {name: 'Active profile'})).toHaveValue('default');
        expect(screen.getByRole('combobox', {name: 'Active region'})).toHaveValue('us-west-2');
    });

    it('says the account is unknown, with why, when the credentials fail', async () => {
        const fake = fakeApi(overview([threeTier()]));
        fake.api.whoAmI.mockRejectedValue(new Error('ExpiredToken: the session ended'));
        fake.api.profiles.mockResolvedValue(
            profileList({active: 'dev', profiles: profileList().profiles.filter((p) => p.name !== 'work')}),
        );
        renderApp(fake.api);
        await waitFor(() => expect(screen.getByTestId('active-account')).toHaveTextContent('Account unknown'));
    });
});

describe('Profiles view', () => {
    it('lists kind, account, ARN, session end, plaintext marker and only the key id last four', async () => {
        const {view} = await openProfiles();
        const work = within(view).getByTestId('profile-work');
        expect(work).toHaveTextContent('keychain');
        expect(work).toHaveTextContent('123456789012');
        expect(work).toHaveTextContent('arn:aws:iam::123456789012:user/me');
        expect(work).toHaveTextContent('…WXYZ');
        expect(work).toHaveTextContent(new Date('2026-11-02T18:00:00Z').toLocaleString());
        expect(within(work).queryByTestId('plaintext-marker')).not.toBeInTheDocument();
        expect(within(within(view).getByTestId('profile-default')).getByTestId('plaintext-marker')).toHaveTextContent(
            'plaintext keys',
        );
        expect(within(view).getByTestId('profile-dev')).toHaveTextContent('SSO');
    });

    it('adds a keychain profile; the secret goes once to Go and is never shown again', async () => {
        const {fake} = await openProfiles();
        fireEvent.click(screen.getByRole('button', {name: 'Add profile'}));
        const form = await screen.findByRole('dialog', {name: 'Add profile'});
        fireEvent.change(within(form).getByLabelText(/Profile name/), {target: {value: 'ci'}});
        fireEvent.change(within(form).getByLabelText(/Access key ID/), {target: {value: 'AKIAEXAMPLE000012345'}});
        const secretField = within(form).getByLabelText(/Secret access key/);
        expect(secretField).toHaveAttribute('type', 'password');
        fireEvent.change(secretField, {target: {value: secret}});
        fireEvent.change(within(form).getByLabelText(/MFA device ARN/), {
            target: {value: 'arn:aws:iam::123456789012:mfa/ci'},
        });
        fireEvent.change(within(form).getByLabelText(/Role to assume/), {
            target: {value: 'arn:aws:iam::123456789012:role/admin'},
        });
        fireEvent.change(within(form).getByLabelText(/^Region/), {target: {value: 'eu-west-2'}});
        fireEvent.click(within(form).getByRole('button', {name: 'Save profile'}));
        await waitFor(() => expect(fake.api.addProfile).toHaveBeenCalledTimes(1));
        expect(fake.api.addProfile.mock.calls[0][0]).toMatchObject({
            name: 'ci',
            accessKeyId: 'AKIAEXAMPLE000012345',
            secretAccessKey: secret,
            mfaSerial: 'arn:aws:iam::123456789012:mfa/ci',
            roleArn: 'arn:aws:iam::123456789012:role/admin',
            region: 'eu-west-2',
        });
        await waitFor(() => expect(screen.queryByRole('dialog', {name: 'Add profile'})).not.toBeInTheDocument());
        expect(document.body.innerHTML).not.toContain(secret);
    });

    it('edits without reading the secret back: empty key fields keep the stored keys', async () => {
        const {fake, view} = await openProfiles();
        fireEvent.click(within(view).getByRole('button', {name: 'Edit work'}));
        const form = await screen.findByRole('dialog', {name: 'Edit profile work'});
        expect(within(form).getByLabelText(/Secret access key/)).toHaveValue('');
        expect(within(form).getByLabelText(/Access key ID/)).toHaveValue('');
        expect(form).toHaveTextContent('Stored key ends in …WXYZ');
        expect(within(form).getByLabelText(/MFA device ARN/)).toHaveValue('arn:aws:iam::123456789012:mfa/me');
        fireEvent.change(within(form).getByLabelText(/^Region/), {target: {value: 'eu-north-1'}});
        fireEvent.click(within(form).getByRole('button', {name: 'Save profile'}));
        await waitFor(() => expect(fake.api.editProfile).toHaveBeenCalledTimes(1));
        expect(fake.api.editProfile.mock.calls[0][0]).toMatchObject({
            name: 'work',
            accessKeyId: '',
            secretAccessKey: '',
            region: 'eu-north-1',
        });
    });

    it('asks for both keys once either is typed, and checks the key id for its AWS shape at the field', async () => {
        const {fake, view} = await openProfiles();
        fireEvent.click(within(view).getByRole('button', {name: 'Edit work'}));
        const form = await screen.findByRole('dialog', {name: 'Edit profile work'});
        fireEvent.change(within(form).getByLabelText(/Secret access key/), {target: {value: secret}});
        fireEvent.click(within(form).getByRole('button', {name: 'Save profile'}));
        const keyId = within(form).getByLabelText(/Access key ID/);
        await waitFor(() => expect(keyId).toHaveAccessibleDescription(/The access key ID is needed/));
        fireEvent.change(keyId, {target: {value: 'AKIA-not-a-key'}});
        fireEvent.blur(keyId);
        await waitFor(() => expect(keyId).toHaveAccessibleDescription(/starting with AKIA/));
        expect(keyId).toHaveAttribute('aria-invalid', 'true');
        expect(fake.api.editProfile).not.toHaveBeenCalled();
    });

    it('keeps everything typed, the secret too, when the save is refused, and says why at the field', async () => {
        const {fake} = await openProfiles();
        fake.api.addProfile.mockRejectedValueOnce(
            new Error(
                'keychain profile "ci": the secret access key must be at least 16 characters without spaces; the keychain is locked',
            ),
        );
        fireEvent.click(screen.getByRole('button', {name: 'Add profile'}));
        const form = await screen.findByRole('dialog', {name: 'Add profile'});
        fireEvent.change(within(form).getByLabelText(/Profile name/), {target: {value: 'ci'}});
        fireEvent.change(within(form).getByLabelText(/Access key ID/), {target: {value: 'AKIAEXAMPLE000012345'}});
        fireEvent.change(within(form).getByLabelText(/Secret access key/), {target: {value: secret}});
        fireEvent.click(within(form).getByRole('button', {name: 'Save profile'}));
        await waitFor(() => expect(fake.api.addProfile).toHaveBeenCalledTimes(1));
        const secretField = within(form).getByLabelText(/Secret access key/);
        await waitFor(() => expect(secretField).toHaveAccessibleDescription(/secret access key must be at least 16/));
        expect(within(form).getByRole('alert')).toHaveTextContent('the keychain is locked');
        // Nothing typed is lost: the secret stays in the form (in memory only) to be corrected.
        expect(secretField).toHaveValue(secret);
        expect(within(form).getByLabelText(/Access key ID/)).toHaveValue('AKIAEXAMPLE000012345');
        expect(within(form).getByLabelText(/Profile name/)).toHaveValue('ci');
    });

    it('imports into the keychain and removes from the credentials file only after confirming', async () => {
        const {fake, view} = await openProfiles();
        fireEvent.click(within(view).getByRole('button', {name: 'Import default'}));
        await waitFor(() => expect(fake.api.importProfile).toHaveBeenCalledWith('default'));
        const ask = await screen.findByRole('dialog', {name: 'Remove default from the credentials file?'});
        expect(fake.api.removeFromFile).not.toHaveBeenCalled();
        fireEvent.click(within(ask).getByRole('button', {name: 'Keep in file'}));
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
        expect(fake.api.removeFromFile).not.toHaveBeenCalled();

        fireEvent.click(within(view).getByRole('button', {name: 'Import default'}));
        const again = await screen.findByRole('dialog', {name: 'Remove default from the credentials file?'});
        fireEvent.click(within(again).getByRole('button', {name: 'Remove from file'}));
        await waitFor(() => expect(fake.api.removeFromFile).toHaveBeenCalledWith('default'));
    });

    it('deletes a keychain profile after confirming', async () => {
        const {fake, view} = await openProfiles();
        fireEvent.click(within(view).getByRole('button', {name: 'Delete work'}));
        const ask = await screen.findByRole('dialog', {name: 'Delete profile work?'});
        expect(fake.api.deleteProfile).not.toHaveBeenCalled();
        fireEvent.click(within(ask).getByRole('button', {name: 'Confirm delete'}));
        await waitFor(() => expect(fake.api.deleteProfile).toHaveBeenCalledWith('work'));
    });

    it('signs in with SSO: shows the code, opens the page again on request, reports the end', async () => {
        const {fake, view} = await openProfiles();
        fireEvent.click(within(view).getByRole('button', {name: 'Sign in dev'}));
        expect(fake.api.login).toHaveBeenCalledWith('dev');
        const dialog = await screen.findByRole('dialog', {name: 'Sign in to dev'});
        fake.pushSSO({
            profile: 'dev',
            state: desktop.SSOState.CODE,
            device: {
                userCode: 'WDJB-MJHT',
                verificationUri: 'https://device.sso.example/',
                verificationUriComplete: 'https://device.sso.example/?user_code=WDJB-MJHT',
            },
        });
        expect(within(dialog).getByTestId('sso-code')).toHaveTextContent('WDJB-MJHT');
        fireEvent.click(within(dialog).getByRole('button', {name: 'Open the sign-in page'}));
        expect(fake.api.openSignInPage).toHaveBeenCalled();
        fake.pushSSO({profile: 'dev', state: desktop.SSOState.DONE, expires: '2026-11-02T20:00:00Z'});
        expect(within(dialog).getByRole('status')).toHaveTextContent('Signed in');
    });

    it('cancels an SSO sign-in', async () => {
        const {fake, view} = await openProfiles();
        fireEvent.click(within(view).getByRole('button', {name: 'Sign in dev'}));
        const dialog = await screen.findByRole('dialog', {name: 'Sign in to dev'});
        fireEvent.click(within(dialog).getByRole('button', {name: 'Cancel sign-in'}));
        expect(fake.api.cancelLogin).toHaveBeenCalled();
    });
});
