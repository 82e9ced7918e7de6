import {lazy, Suspense, useEffect, useRef, useState} from 'react';
import {ActionIcon, AppShell, Badge, Button, Center, Group, Loader, Text, Title, Tooltip} from '@mantine/core';
import {useHotkeys} from '@mantine/hooks';
import {useApi} from './api/context';
import {op} from './api/types';
import {runOf} from './state/dashboard';
import {useDashboard} from './state/useDashboard';
import {useControls} from './state/useControls';
import {useSettings} from './state/useSettings';
import {useProfiles} from './state/useProfiles';
import {markRenderStart} from './lib/perf';
import {Sidebar} from './components/Sidebar';
import {EnvironmentView} from './components/EnvironmentView';
import {PlanDialog} from './components/PlanDialog';
import {InstanceActionDialog} from './components/InstanceActionDialog';
import {SettingsDialog} from './components/SettingsDialog';
import {ShortcutsHelp} from './components/ShortcutsHelp';
import {ProfileSwitcher} from './components/ProfileSwitcher';
// Views opened on demand load on demand, so the first paint parses less.
const ProfilesView = lazy(() => import('./components/ProfilesView').then((m) => ({default: m.ProfilesView})));
const ReportsView = lazy(() => import('./components/ReportsView').then((m) => ({default: m.ReportsView})));
import {MFADialog} from './components/MFADialog';

type View = 'env' | 'profiles' | 'reports';

export default function App() {
    const api = useApi();
    const {state, dispatch} = useDashboard();
    const controls = useControls();
    const settings = useSettings(dispatch);
    const profiles = useProfiles();
    const [view, setView] = useState<View>('env');
    const [selected, setSelected] = useState<string | undefined>();
    const [help, setHelp] = useState(false);
    const searchRef = useRef<HTMLInputElement>(null);

    const select = (name: string) => {
        if (name !== selected || view !== 'env') markRenderStart();
        setSelected(name);
        setView('env');
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
    const dialogOpen = !!controls.planFlow || !!controls.instanceFlow || settings.opened;
    const refresh = () => api.refresh().catch(() => {});
    const move = (d: number) => {
        const i = state.envs.findIndex((e) => e.name === selected);
        const next = state.envs[i + d];
        if (next) select(next.name);
    };

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

    return (
        <AppShell header={{height: 52}} navbar={{width: 250, breakpoint: 0}} padding="md">
            <AppShell.Header>
                <Group h="100%" px="md" justify="space-between" wrap="nowrap">
                    {/* The left side gives way (the target text truncates) so the controls never squeeze. */}
                    <Group gap="sm" wrap="nowrap" style={{minWidth: 0, flex: 1}}>
                        <Title order={4} style={{whiteSpace: 'nowrap', flexShrink: 0}}>
                            Cloud Control
                        </Title>
                        {state.sandbox && (
                            <Tooltip
                                label={`Simulated AWS at ${state.sandboxUrl}: nothing here touches a real account`}
                            >
                                <Badge
                                    color="orange"
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
                                    color="red"
                                    data-testid="settings-problem"
                                    style={{flexShrink: 0, cursor: 'pointer'}}
                                    onClick={settings.open}
                                >
                                    Settings not saved
                                </Badge>
                            </Tooltip>
                        )}
                        {env && (
                            <Text size="sm" c="dimmed" data-testid="header-target" truncate="end" style={{minWidth: 0}}>
                                {env.account ? `Account ${env.account}` : 'Account unknown'} ·{' '}
                                {env.region || 'default region'}
                            </Text>
                        )}
                    </Group>
                    <Group gap="xs" wrap="nowrap" style={{flexShrink: 0}}>
                        {/* In the sandbox the window acts with the sandbox's own credentials:
                            a profile chosen here would not apply, so none is offered. */}
                        {!state.sandbox && (
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
                            onClick={() => setView('reports')}
                        >
                            Reports
                        </Button>
                        <ActionIcon variant="default" aria-label="Refresh" onClick={refresh}>
                            ⟳
                        </ActionIcon>
                        <ActionIcon variant="default" aria-label="Settings" onClick={settings.open}>
                            ⚙
                        </ActionIcon>
                        <ShortcutsHelp opened={help} onChange={setHelp} />
                    </Group>
                </Group>
            </AppShell.Header>
            <AppShell.Navbar p="xs">
                <Sidebar envs={state.envs} selected={selected} onSelect={select} />
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
                <Suspense fallback={<Loader aria-label="Loading" />}>
                    {view === 'profiles' && (
                        <ProfilesView
                            list={profiles.list}
                            error={profiles.error}
                            onUse={(name) => profiles.use(name, '')}
                        />
                    )}
                    {view === 'reports' && <ReportsView envs={state.envs.filter((e) => e.usable).map((e) => e.name)} />}
                </Suspense>
                {view === 'env' && env && (
                    <EnvironmentView
                        key={env.name}
                        env={env}
                        run={run}
                        cancelling={controls.cancelling === env.name}
                        onStart={() => controls.openPlan(env.name, op.Action.START)}
                        onStop={() => controls.openPlan(env.name, op.Action.STOP)}
                        onCancel={() => controls.cancel(env.name)}
                        onResume={() => run && controls.resume(env.name, run.progress.action)}
                        onInstanceAction={controls.askInstance}
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
                    cost={controls.planFlow.cost}
                    costError={controls.planFlow.costError}
                    sandbox={state.sandbox}
                    onConfirm={controls.confirmPlan}
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
            <MFADialog />
            <SettingsDialog
                opened={settings.opened}
                folders={state.folders}
                problem={state.settingsProblem}
                error={settings.error}
                busy={settings.busy}
                onAdd={settings.add}
                onRemove={settings.remove}
                onClose={settings.close}
            />
        </AppShell>
    );
}
