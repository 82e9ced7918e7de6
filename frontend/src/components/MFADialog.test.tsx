import {describe, expect, it} from 'vitest';
import {fireEvent, screen, waitFor, within} from '@testing-library/react';
import {fakeApi} from '../test/fakeApi';
import {overview, threeTier} from '../test/envs';
import {renderApp} from '../test/render';

describe('MFA dialog', () => {
    it('asks the code when a session needs one and sends only six digits', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('main', {name: 'Environment three-tier'});
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
        fake.pushMFA({profile: 'work', mfaSerial: 'arn:aws:iam::123456789012:mfa/me'});
        const dialog = await screen.findByRole('dialog', {name: 'MFA code for work'});
        expect(dialog).toHaveTextContent('arn:aws:iam::123456789012:mfa/me');
        const field = within(dialog).getByLabelText('MFA code');
        fireEvent.change(field, {target: {value: '12ab34'}});
        expect(field).toHaveValue('1234');
        expect(within(dialog).getByRole('button', {name: 'Submit code'})).toBeDisabled();
        fireEvent.change(field, {target: {value: '123456'}});
        fireEvent.click(within(dialog).getByRole('button', {name: 'Submit code'}));
        await waitFor(() => expect(fake.api.submitMFA).toHaveBeenCalledWith('123456'));
        await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
        expect(fake.api.cancelMFA).not.toHaveBeenCalled();
    });

    it('refuses the question on Cancel', async () => {
        const fake = fakeApi(overview([threeTier()]));
        renderApp(fake.api);
        await screen.findByRole('main', {name: 'Environment three-tier'});
        fake.pushMFA({profile: 'work', mfaSerial: 'arn:aws:iam::1:mfa/me'});
        const dialog = await screen.findByRole('dialog', {name: 'MFA code for work'});
        fireEvent.click(within(dialog).getByRole('button', {name: 'Cancel'}));
        await waitFor(() => expect(fake.api.cancelMFA).toHaveBeenCalled());
        expect(fake.api.submitMFA).not.toHaveBeenCalled();
    });
});
