import React from 'react';
import {createRoot} from 'react-dom/client';
import {MantineProvider} from '@mantine/core';
import {Notifications} from '@mantine/notifications';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import './style.css';
import App from './App';
import {ApiProvider} from './api/context';
import {wailsApi} from './api/api';
import {cssVariablesResolver, theme} from './theme';

createRoot(document.getElementById('root')!).render(
    <React.StrictMode>
        <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
            <Notifications position="bottom-right" />
            <ApiProvider api={wailsApi()}>
                <App />
            </ApiProvider>
        </MantineProvider>
    </React.StrictMode>,
);
