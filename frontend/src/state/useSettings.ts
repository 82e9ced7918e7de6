import {useEffect, useState} from 'react';
import {notifications} from '@mantine/notifications';
import {useApi} from '../api/context';
import type {Notifications, SettingsView, Theme} from '../api/types';
import type {DashboardAction} from './dashboard';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The settings: folders added through the native dialog (Go side) and removed, the colour scheme, notifications. */
export function useSettings(dispatch: (a: DashboardAction) => void) {
    const api = useApi();
    const [opened, setOpened] = useState(false);
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState<string | undefined>();
    const [view, setView] = useState<SettingsView | undefined>();

    useEffect(() => {
        let live = true;
        api.settings().then(
            (v) => live && setView(v),
            () => {},
        );
        const off = api.onSettings((v) => setView(v));
        return () => {
            live = false;
            off();
        };
    }, [api]);

    const run = async (call: () => Promise<SettingsView>) => {
        setBusy(true);
        setError(undefined);
        try {
            const settings = await call();
            setView(settings);
            dispatch({type: 'settings', settings: {...settings, folders: settings.folders ?? []} as SettingsView});
        } catch (err) {
            setError(message(err));
        } finally {
            setBusy(false);
        }
    };
    const side = async (call: () => Promise<unknown>) => {
        setError(undefined);
        try {
            await call();
        } catch (err) {
            setError(message(err));
        }
    };

    return {
        opened,
        busy,
        error,
        view,
        open: () => setOpened(true),
        close: () => setOpened(false),
        add: () => run(() => api.addFolder()),
        remove: (path: string) => run(() => api.removeFolder(path)),
        setTheme: (t: Theme) => run(() => api.setTheme(t)),
        setNotifications: (n: Notifications) => run(() => api.setNotifications(n)),
        openLog: () => side(() => api.openLog()),
        openExamples: () =>
            side(() =>
                api.openExamples().then((dir) =>
                    notifications.show({
                        title: 'The examples are in their folder',
                        message: `${dir}: copy one into a folder of yours, or add this folder in Settings to try them.`,
                    }),
                ),
            ),
    };
}

export type SettingsState = ReturnType<typeof useSettings>;
