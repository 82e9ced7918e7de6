import {lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {
    ActionIcon,
    AppShell,
    Badge,
    Burger,
    Button,
    Center,
    Group,
    Loader,
    Text,
    Title,
    Tooltip,
    useMantineColorScheme,
} from '@mantine/core';
import {useHotkeys, useMediaQuery} from '@mantine/hooks';
import {notifications} from '@mantine/notifications';
import {useApi} from './api/context';
import {desktop, op, type InstanceAction} from './api/types';
import {runOf} from './state/dashboard';
import {useDashboard} from './state/useDashboard';
import {useControls} from './state/useControls';
import {useCosts} from './state/useCosts';
import {useSettings} from './state/useSettings';
import {useProfiles} from './state/useProfiles';
import {templatesOf, useLaunches} from './state/useLaunches';
import {markRenderStart} from './lib/perf';
import {Sidebar} from './components/Sidebar';
import {EnvironmentView, type EnvActions} from './components/EnvironmentView';
import {EmptyState} from './components/EmptyState';
import {PlanDialog} from './components/PlanDialog';
import {InstanceActionDialog} from './components/InstanceActionDialog';
import {SettingsDialog} from './components/SettingsDialog';
import {ShortcutsHelp} from './components/ShortcutsHelp';
import {ProfileSwitcher} from './components/ProfileSwitcher';
import type {InstanceRow, RowActions} from './components/InstanceTable';
// Views opened on demand load on demand, so the first paint parses less.
const ProfilesView = lazy(() => import('./components/ProfilesView').then((m) => ({default: m.ProfilesView})));
const ReportsView = lazy(() => import('./components/ReportsView').then((m) => ({default: m.ReportsView})));
import {MFADialog} from './components/MFADialog';
import {LaunchDialog} from './components/launch/LaunchDialog';
import {TerminateDialog} from './components/launch/TerminateDialog';
import {LeftoversNotice} from './components/launch/LeftoversNotice';
const LaunchesView = lazy(() => import('./components/launch/LaunchesView').then((m) => ({default: m.LaunchesView})));

type View = 'env' | 'profiles' | 'reports' | 'launches';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const failed = (title: string) => (err: unknown) => notifications.show({color: 'red', title, message: message(err)});

/** Below this width the sidebar folds away behind a button, so the instance table keeps its columns. */
const NARROW = '(max-width: 999px)';

export default function App() {
    const api = useApi();
    const {state, dispatch} = useDashboard();
    const costs = useCosts();
    const controls = useControls(costs);
    const settings = useSettings(dispatch);
    const profiles = useProfiles();
    const launches = useLaunches();
    const [view, setView] = useState<View>('env');
    const [reportsEnv, setReportsEnv] = useState('');
    const [selected, setSelected] = useState<string | undefined>();
    const [help, setHelp] = useState(false);
    const [refreshing, setRefreshing] = useState(false);
    const [navOpen, setNavOpen] = useState(false);
    const narrow = useMediaQuery(NARROW) ?? false;
    const searchRef = useRef<HTMLInputElement>(null);

    // The colour scheme the settings say; "system" follows the OS.
    const {setColorScheme} = useMantineColorScheme();
    const theme = settings.view?.theme ?? state.theme;
    useEffect(() => {
        if (theme) setColorScheme(theme === desktop.Theme.SYSTEM ? 'auto' : theme);
    }, [theme, setColorScheme]);

    const select = (name: string) => {
        if (name !== selected || view !== 'env') markRenderStart();
        setSelected(name);
        setView('env');
        setNavOpen(false);
    };
    // Choose the first environment once the list arrives, and again if the
    // chosen one disappears. Set while rendering, not in an effect, so the
    // view never commits with the stale choice first (React's "adjusting
    // state when a prop changes"); the guard ends it after one pass. The
    // first overview's render mark is set where the overview arrives.
    const fallback = state.envs.some((e) => e.name === selected) ? undefined : state.envs[0]?.name;
    if (fallback) setSelected(fallback);

    // Once, when the environment list is first on screen (after the commit):
    // the app logs how long that took from launch.
    const listed = state.envs.length > 0;
    const reported = useRef(false);
    useEffect(() => {
        if (listed && !reported.current) {
            reported.current = true;
            api.listShown();
        }
    }, [listed, api]);

    const env = state.envs.find((e) => e.name === selected);
    const run = env ? runOf(state, env.name) : undefined;
    const canAct = view === 'env' && !!env && env.usable && !env.busy && run?.progress.outcome !== op.Outcome.RUNNING;
    const dialogOpen =
        !!controls.planFlow ||
        !!controls.instanceFlow ||
        settings.opened ||
        !!launches.launchEnv ||
        !!launches.terminating;
    const refresh = useCallback(() => {
        setRefreshing(true);
        api.refresh()
            .catch(failed('Could not read AWS'))
            .finally(() => setRefreshing(false));
    }, [api]);
    const move = (d: number) => {
        const i = state.envs.findIndex((e) => e.name === selected);
        const next = state.envs[i + d];
        if (next) select(next.name);
    };
    const history = useCallback((name: string) => {
        setReportsEnv(name);
        setView('reports');
    }, []);

    useHotkeys([
        ['mod+K', () => searchRef.current?.focus()],
        ['S', () => !dialogOpen && canAct && controls.openPlan(env!.name, op.Action.START)],
        ['X', () => !dialogOpen && canAct && controls.openPlan(env!.name, op.Action.STOP)],
        ['R', () => !dialogOpen && refresh()],
        ['alt+ArrowDown', () => !dialogOpen && move(1)],
        ['alt+ArrowUp', () => !dialogOpen && move(-1)],
        ['mod+,', () => settings.open()],
        ['shift+?', () => setHelp((h) => !h)],
    ]);

    const name = env?.name ?? '';
    const launchable = templatesOf(env).length > 0;
    const {askInstance} = controls;
    const {askTerminate} = launches;
    const rowActions = useMemo<RowActions>(
        () => ({
            act: (row: InstanceRow, a: InstanceAction) => askInstance(row, a),
            info: (row) => api.instanceInfo(name, row.id),
            copy: (text, what) =>
                api
                    .copy(text)
                    .then(
                        () => notifications.show({message: `Copied the ${what}: ${text}`}),
                        failed(`Could not copy the ${what}`),
                    ),
            console: (row) => api.openConsole(name, row.id).catch(failed('Could not open the AWS console')),
            connect: (row) =>
                api
                    .connect(name, row.id)
                    .then(
                        () =>
                            notifications.show({message: `Opened a Session Manager terminal on ${row.name || row.id}`}),
                        failed(`Could not connect to ${row.name || row.id}`),
                    ),
            history: () => history(name),
            terminate: (row) => askTerminate(name, row),
        }),
        [api, name, history, askInstance, askTerminate],
    );
    const actions: EnvActions | undefined = env && {
        start: () => controls.openPlan(env.name, op.Action.START),
        stop: () => controls.openPlan(env.name, op.Action.STOP),
        cancel: () => controls.cancel(env.name),
        resume: () => run && controls.resume(env.name, run.progress.action),
        stopLeft: () => controls.stopLeft(env.name),
        dismiss: () => controls.dismiss(env.name),
        retry: refresh,
        history: () => history(env.name),
        openFile: (f) => api.openFile(f).catch(failed('Could not open the file')),
        revealFile: (f) => api.revealFile(f).catch(failed('Could not show the file')),
        copyLog: (text) =>
            api
                .copy(text)
                .then(() => notifications.show({message: 'Activity log copied'}), failed('Could not copy the log')),
        saveLog: (text) =>
            api
                .saveLog(env.name, text)
                .then(
                    (path) => path && notifications.show({title: 'Activity log saved', message: path}),
                    failed('Could not save the log'),
                ),
        loadCost: costs.load,
        rows: rowActions,
        launch: launchable ? () => launches.openLaunch(env.name) : undefined,
    };

    const iconButton = (name: string, tip: string, icon: string, onClick: () => void, extra: object = {}) => (
        <Tooltip label={tip}>
            <ActionIcon variant="default" size="lg" aria-label={name} onClick={onClick} {...extra}>
                {icon}
            </ActionIcon>
        </Tooltip>
    );

    return (
        <AppShell
            header={{height: 52}}
            navbar={{width: 250, breakpoint: 0, collapsed: {desktop: narrow && !navOpen}}}
            padding="md"
        >
            <AppShell.Header>
                <Group h="100%" px="md" justify="space-between" wrap="nowrap">
                    {/* The left side gives way (the target text truncates) so the controls never squeeze. */}
                    <Group gap="sm" wrap="nowrap" style={{minWidth: 0, flex: 1}}>
                        {narrow && (
                            <Tooltip label={navOpen ? 'Hide the environments' : 'Show the environments'}>
                                <Burger
                                    opened={navOpen}
                                    onClick={() => setNavOpen((o) => !o)}
                                    size="sm"
                                    aria-label={navOpen ? 'Hide the environments' : 'Show the environments'}
                                    aria-expanded={navOpen}
                                />
                            </Tooltip>
                        )}
                        <Title order={1} size="h4" style={{whiteSpace: 'nowrap', flexShrink: 0}}>
                            Cloud Control
                        </Title>
                        {state.sandbox && (
                            <Tooltip
                                label={`Simulated AWS at ${state.sandboxUrl}: nothing here touches a real account`}
                            >
                                <Badge
                                    color="orange.9"
                                    data-testid="sandbox-badge"
                                    aria-label="Sandbox"
                                    style={{flexShrink: 0}}
                                >
                                    Sandbox
                                </Badge>
                            </Tooltip>
                        )}
                        {state.settingsProblem && (
                            <Tooltip label={state.settingsProblem} multiline w={360}>
                                <Badge
                                    color="red.9"
                                    data-testid="settings-problem"
                                    style={{flexShrink: 0, cursor: 'pointer'}}
                                    onClick={settings.open}
                                >
                                    Settings not saved
                                </Badge>
                            </Tooltip>
                        )}
                        {env && view === 'env' && (
                            <Text size="sm" c="dimmed" data-testid="header-target" truncate="end" style={{minWidth: 0}}>
                                {env.account ? `Account ${env.account}` : 'Account unknown'} ·{' '}
                                {env.region || 'default region'}
                            </Text>
                        )}
                    </Group>
                    <Group gap="xs" wrap="nowrap" style={{flexShrink: 0}}>
                        {/* In the sandbox the window acts with the sandbox's own credentials:
                            a profile chosen here would not apply, so none is offered. */}
                        {!state.sandbox && !narrow && (
                            <ProfileSwitcher
                                list={profiles.list}
                                account={profiles.account}
                                accountError={profiles.whoError}
                                switching={profiles.switching}
                                onUse={profiles.use}
                            />
                        )}
                        <Button
                            size="xs"
                            variant={view === 'profiles' ? 'filled' : 'default'}
                            aria-pressed={view === 'profiles'}
                            onClick={() => setView('profiles')}
                        >
                            Profiles
                        </Button>
                        <Button
                            size="xs"
                            variant={view === 'reports' ? 'filled' : 'default'}
                            aria-pressed={view === 'reports'}
                            onClick={() => {
                                setReportsEnv('');
                                setView('reports');
                            }}
                        >
                            Reports
                        </Button>
                        <Button
                            size="xs"
                            variant={view === 'launches' ? 'filled' : 'default'}
                            aria-pressed={view === 'launches'}
                            onClick={() => setView('launches')}
                        >
                            Launches
                        </Button>
                        {iconButton('Refresh', refreshing ? 'Reading AWS…' : 'Read AWS now (R)', '⟳', refresh, {
                            loading: refreshing,
                            'data-testid': 'refresh',
                        })}
                        {iconButton('Settings', 'Settings (Ctrl+,)', '⚙', settings.open)}
                        <ShortcutsHelp opened={help} onChange={setHelp} />
                    </Group>
                </Group>
            </AppShell.Header>
            <AppShell.Navbar p="xs">
                <Sidebar envs={state.envs} loaded={state.loaded} selected={selected} onSelect={select} />
            </AppShell.Navbar>
            <AppShell.Main
                style={{
                    display: 'flex',
                    flexDirection: 'column',
                    height: '100dvh',
                    overflowY: 'auto',
                    overflowX: 'hidden',
                }}
            >
                {!state.loaded && (
                    <Center style={{flex: 1}}>
                        <Loader aria-label="Loading environments" />
                    </Center>
                )}
                {state.error && (
                    <Text c="red" role="alert">
                        {state.error}
                    </Text>
                )}
                {view !== 'launches' && (
                    <LeftoversNotice leftovers={launches.leftovers} onOpen={() => setView('launches')} />
                )}
                <Suspense fallback={<Loader aria-label="Loading" />}>
                    {view === 'launches' && <LaunchesView />}
                    {view === 'profiles' && (
                        <ProfilesView
                            list={profiles.list}
                            error={profiles.error}
                            onUse={(name) => profiles.use(name, '')}
                        />
                    )}
                    {view === 'reports' && (
                        <ReportsView
                            key={reportsEnv}
                            env={reportsEnv}
                            envs={state.envs.filter((e) => e.usable).map((e) => e.name)}
                        />
                    )}
                </Suspense>
                {view === 'env' && state.loaded && state.envs.length === 0 && (
                    <EmptyState
                        folders={state.folders}
                        onAddFolder={settings.add}
                        onOpenExamples={settings.openExamples}
                    />
                )}
                {view === 'env' && env && actions && (
                    <EnvironmentView
                        key={env.name}
                        env={env}
                        run={run}
                        cost={costs.get(env.name)}
                        cancelling={controls.cancelling === env.name}
                        refreshing={refreshing}
                        actions={actions}
                        searchRef={searchRef}
                    />
                )}
            </AppShell.Main>
            {controls.planFlow && (
                <PlanDialog
                    opened
                    env={controls.planFlow.env}
                    action={controls.planFlow.action}
                    plan={controls.planFlow.plan}
                    loading={controls.planFlow.loading}
                    error={controls.planFlow.error}
                    confirming={controls.planFlow.confirming}
                    cost={costs.get(controls.planFlow.env)}
                    sandbox={state.sandbox}
                    onConfirm={controls.confirmPlan}
                    onRetry={controls.retryPlan}
                    onClose={controls.closePlan}
                />
            )}
            <InstanceActionDialog
                env={env?.name ?? ''}
                target={controls.instanceFlow}
                account={env?.account}
                region={env?.region}
                working={controls.instanceFlow?.working}
                error={controls.instanceFlow?.error}
                onConfirm={() => env && controls.confirmInstance(env.name)}
                onClose={controls.closeInstance}
            />
            {launches.launchEnv && (
                <LaunchDialog
                    env={launches.launchEnv}
                    sandbox={state.sandbox}
                    onClose={launches.closeLaunch}
                    onLaunched={select}
                />
            )}
            {launches.terminating && (
                <TerminateDialog
                    env={launches.terminating.env}
                    row={launches.terminating.row}
                    onClose={launches.closeTerminate}
                />
            )}
            <MFADialog />
            <SettingsDialog settings={settings} folders={state.folders} problem={state.settingsProblem} />
        </AppShell>
    );
}
