import {useState} from 'react';
import {useApi} from '../api/context';
import type {DashboardAction} from './dashboard';

/** The settings dialog: folders added through the native dialog (Go side) and removed. */
export function useSettings(dispatch: (a: DashboardAction) => void) {
    const api = useApi();
    const [opened, setOpened] = useState(false);
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState<string | undefined>();

    const run = async (call: () => Promise<{folders: string[]; refreshSeconds: number}>) => {
        setBusy(true);
        setError(undefined);
        try {
            const settings = await call();
            dispatch({type: 'settings', settings: {...settings, folders: settings.folders ?? []}});
        } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
        } finally {
            setBusy(false);
        }
    };

    return {
        opened,
        busy,
        error,
        open: () => setOpened(true),
        close: () => setOpened(false),
        add: () => run(() => api.addFolder()),
        remove: (path: string) => run(() => api.removeFolder(path)),
    };
}
