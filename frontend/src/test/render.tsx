import {render} from '@testing-library/react';
import {MantineProvider} from '@mantine/core';
import {Notifications} from '@mantine/notifications';
import type {ReactElement, ReactNode} from 'react';
import {cssVariablesResolver, theme} from '../theme';
import {ApiProvider} from '../api/context';
import type {Api} from '../api/api';
import App from '../App';

const testTheme = {...theme, components: {...theme.components, Transition: {defaultProps: {duration: 0}}}};

function Providers({children}: {children: ReactNode}) {
    return (
        <MantineProvider theme={testTheme} env="test" cssVariablesResolver={cssVariablesResolver}>
            <Notifications />
            {children}
        </MantineProvider>
    );
}

/** Renders inside the app's Mantine theme (env="test": no transitions, so dialogs open at once). */
export function renderUI(ui: ReactElement) {
    return render(ui, {wrapper: Providers});
}

/** The whole window over a fake Api. */
export function renderApp(api: Api) {
    return renderUI(
        <ApiProvider api={api}>
            <App />
        </ApiProvider>,
    );
}
