import {vi} from 'vitest';
import {act} from '@testing-library/react';
import type {Api} from '../api/api';
import {
    control,
    desktop,
    op,
    type Action,
    type CostReport,
    type EnvView,
    type KeychainInput,
    type LaunchList,
    type LaunchRequest,
    type Listed,
    type MFAQuestion,
    type Overview,
    type Plan,
    type ProfileList,
    type Progress,
    type ReportRequest,
    type RunEvent,
    type SettingsView,
    type SSOProgress,
} from '../api/types';
import {leaseResult, notDeployed} from './inaws';
import {apiNodePreview, apiNodeTemplates, terminateTarget} from './launches';
import {novemberOperations, novemberReport, novemberStopEvents, profileList, threeTierCost} from './costs';

type Listener<T> = (v: T) => void;

/** An Api whose answers the test sets and whose pushed events the test sends. */
export function fakeApi(overview: Overview, plans: Record<string, Plan> = {}) {
    const envs = new Set<Listener<EnvView[]>>();
    const runEvents = new Set<Listener<RunEvent>>();
    const progress = new Set<Listener<Progress>>();
    const settings = new Set<Listener<SettingsView>>();
    const profiles = new Set<Listener<ProfileList>>();
    const mfa = new Set<Listener<MFAQuestion>>();
    const sso = new Set<Listener<SSOProgress>>();
    const leftovers = new Set<Listener<Listed[]>>();
    let list = profileList();
    const sub =
        <T>(set: Set<Listener<T>>) =>
        (cb: Listener<T>) => {
            set.add(cb);
            return () => set.delete(cb);
        };
    let folders = [...(overview.folders ?? [])];
    let theme = desktop.Theme.SYSTEM;
    let notify = desktop.Notifications.ALL;
    const view = () =>
        desktop.SettingsView.createFrom({
            folders,
            refreshSeconds: 30,
            theme,
            notifications: notify,
            logFile: '/home/tester/.local/state/cloudcontrol/logs/cloudcontrol.log',
            version: 'development build, commit 0123456789ab',
        });
    const copied: string[] = [];
    const api = {
        overview: vi.fn(async () => overview),
        plan: vi.fn(async (env: string, action: Action) => {
            const p = plans[`${env}/${action}`];
            if (!p) throw new Error(`no plan for ${env}/${action}`);
            return p;
        }),
        run: vi.fn(async (_env: string, _action: Action) => {}),
        cancel: vi.fn(async (_env: string) => {}),
        instanceAction: vi.fn(async (_env: string, _id: string, _action: string) => {}),
        runLog: vi.fn(async (_env: string): Promise<RunEvent[]> => []),
        refresh: vi.fn(async () => {}),
        dismiss: vi.fn(async (_env: string) => {}),
        instanceInfo: vi.fn(async (_env: string, id: string) =>
            desktop.InstanceInfo.createFrom({
                id,
                account: '123456789012',
                region: 'eu-west-1',
                consoleUrl: `https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=${id}`,
                connect: {
                    available: false,
                    problem: 'SSM does not manage it',
                    command: ['aws', 'ssm', 'start-session', '--target', id, '--region', 'eu-west-1'],
                },
            }),
        ),
        openConsole: vi.fn(async (_env: string, _id: string) => {}),
        connect: vi.fn(async (_env: string, _id: string) => {}),
        openFile: vi.fn(async (_path: string) => {}),
        revealFile: vi.fn(async (_path: string) => {}),
        saveLog: vi.fn(async (_env: string, _text: string) => '/home/tester/three-tier-activity.log'),
        copy: vi.fn(async (text: string) => {
            copied.push(text);
        }),
        settings: vi.fn(async () => view()),
        addFolder: vi.fn(async () => {
            folders = [...folders, '/home/tester/more-envs'];
            return view();
        }),
        removeFolder: vi.fn(async (path: string) => {
            folders = folders.filter((f) => f !== path);
            return view();
        }),
        setTheme: vi.fn(async (t: desktop.Theme) => {
            theme = t;
            return view();
        }),
        setNotifications: vi.fn(async (n: desktop.Notifications) => {
            notify = n;
            return view();
        }),
        openLog: vi.fn(async () => {}),
        openExamples: vi.fn(async () => '/home/tester/.local/share/cloudcontrol/examples'),
        onEnvs: vi.fn(sub(envs)),
        onRunEvent: vi.fn(sub(runEvents)),
        onRunProgress: vi.fn(sub(progress)),
        onSettings: vi.fn(sub(settings)),

        profiles: vi.fn(async () => list),
        whoAmI: vi.fn(async () =>
            control.Whoami.createFrom({
                profile: list.active,
                region: 'eu-west-1',
                identity: {account: '123456789012', arn: 'arn:aws:iam::123456789012:user/me'},
            }),
        ),
        useProfile: vi.fn(async (name: string, region: string) => {
            list = desktop.ProfileList.createFrom({...list, active: name, region});
        }),
        addProfile: vi.fn(async (input: KeychainInput) => ({
            name: input.name,
            kind: 'keychain',
            source: 'keychain',
            keyIdSuffix: input.accessKeyId.slice(-4),
        })),
        editProfile: vi.fn(async (input: KeychainInput) => ({name: input.name, kind: 'keychain', source: 'keychain'})),
        deleteProfile: vi.fn(async (_name: string) => {}),
        importProfile: vi.fn(async (name: string) => ({name, kind: 'keychain', source: 'keychain', plaintext: true})),
        removeFromFile: vi.fn(async (_name: string) => {}),
        login: vi.fn((_name: string) => new Promise<void>(() => {})), // resolves when approved: never, unless a test says
        openSignInPage: vi.fn(async () => {}),
        cancelLogin: vi.fn(async () => {}),
        submitMFA: vi.fn(async (_code: string) => {}),
        cancelMFA: vi.fn(async () => {}),
        onProfiles: vi.fn(sub(profiles)),
        onMFA: vi.fn(sub(mfa)),
        onSSO: vi.fn(sub(sso)),

        envCost: vi.fn(async (_env: string, _offline: boolean): Promise<CostReport> => threeTierCost()),
        refreshPrices: vi.fn(async (_env: string): Promise<CostReport> => threeTierCost()),
        report: vi.fn(async (_req: ReportRequest) => novemberReport()),
        saveCSV: vi.fn(async (_req: ReportRequest) => '/home/tester/usage.csv'),
        historyNotice: vi.fn(async () => ''),
        operations: vi.fn(async (_req: ReportRequest) => novemberOperations()),
        operationEvents: vi.fn(async (id: number): Promise<RunEvent[]> => (id === 2 ? novemberStopEvents() : [])),
        startWithLease: vi.fn(async (_env: string, _seconds: number) => {}),
        lease: vi.fn(async (env: string, _seconds: number) => leaseResult({env})),
        extendLease: vi.fn(async (env: string, _seconds: number) => leaseResult({env})),
        endLease: vi.fn(async (env: string) =>
            leaseResult({env, until: undefined, by: '', byName: '', keptBy: '', schedule: '', message: 'lease ended'}),
        ),
        deployed: vi.fn(async (env: string) => notDeployed(env)),
        listShown: vi.fn(() => {}),

        launchTemplates: vi.fn(async (_env: string) => apiNodeTemplates()),
        previewLaunch: vi.fn(async (_env: string, _req: LaunchRequest) => apiNodePreview()),
        launch: vi.fn(async (_env: string, _req: LaunchRequest) => {}),
        terminateTarget: vi.fn(async (_env: string, _instance: string) => terminateTarget()),
        terminate: vi.fn(async (_env: string, _instance: string) => {}),
        launches: vi.fn(async (env: string): Promise<LaunchList> =>
            control.LaunchList.createFrom({target: apiNodeTemplates().target, env, launches: [], leftovers: 0}),
        ),
        cleanUp: vi.fn(async (_env: string) => {}),
        leftovers: vi.fn(async (): Promise<Listed[]> => []),
        onLeftovers: vi.fn(sub(leftovers)),
    } satisfies Api;

    const push = <T>(set: Set<Listener<T>>, v: T) => act(() => set.forEach((cb) => cb(v)));
    return {
        api,
        pushEnvs: (v: EnvView[]) => push(envs, v),
        /** Pushes run events and progress as the Go side sends them (JSON objects). */
        pushEvent: (v: Partial<Omit<RunEvent, 'convertValues'>> & {type: op.EventType}) =>
            push(runEvents, op.Event.createFrom({elapsed: 0, ...v})),
        pushProgress: (v: object) => push(progress, op.Progress.createFrom(v)),
        pushProfiles: (v: ProfileList) => push(profiles, v),
        pushSettings: (v: SettingsView) => push(settings, v),
        pushMFA: (v: object) => push(mfa, desktop.MFAQuestion.createFrom(v)),
        pushSSO: (v: object) => push(sso, desktop.SSOProgress.createFrom(v)),
        pushLeftovers: (v: Listed[]) => push(leftovers, v),
        /** What was put on the clipboard, in order. */
        copied,
        listeners: () =>
            envs.size +
            runEvents.size +
            progress.size +
            settings.size +
            profiles.size +
            mfa.size +
            sso.size +
            leftovers.size,
    };
}
