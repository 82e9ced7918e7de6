// The one way the components reach Go: bound methods and pushed events.
// Components get an Api from ApiProvider (context), never window.go, so tests
// pass a fake.
import * as Envs from '../../wailsjs/go/desktop/Environments';
import * as Settings from '../../wailsjs/go/desktop/Settings';
import * as Profiles from '../../wailsjs/go/desktop/Profiles';
import * as Costs from '../../wailsjs/go/desktop/Costs';
import * as InAWS from '../../wailsjs/go/desktop/InAWS';
import * as Launches from '../../wailsjs/go/desktop/Launches';
import {ClipboardSetText, EventsEmit, EventsOn} from '../../wailsjs/runtime/runtime';
import {desktop, launch, op} from '../../wailsjs/go/models';
import type {
    Action,
    CostReport,
    Deployment,
    EnvView,
    InstanceAction,
    InstanceInfo,
    Notifications,
    KeychainInput,
    LeaseResult,
    LaunchList,
    LaunchPreview,
    LaunchRequest,
    LaunchTemplates,
    Listed,
    MFAQuestion,
    OperationRow,
    Overview,
    Plan,
    Profile,
    ProfileList,
    Progress,
    Report,
    ReportRequest,
    RunEvent,
    SettingsView,
    SSOProgress,
    TerminateTarget,
    Theme,
    Whoami,
} from './types';

export type Unsubscribe = () => void;

export interface Api {
    overview(): Promise<Overview>;
    plan(env: string, action: Action): Promise<Plan>;
    /** Resolves once the run has begun (the lock is held); progress follows as events. */
    run(env: string, action: Action): Promise<void>;
    cancel(env: string): Promise<void>;
    instanceAction(env: string, id: string, action: InstanceAction): Promise<void>;
    runLog(env: string): Promise<RunEvent[]>;
    /** Reads AWS now; resolves once that read has ended (the results arrive as onEnvs). */
    refresh(): Promise<void>;
    /** Ends the "needs attention" of the environment's last failed or cancelled run. */
    dismiss(env: string): Promise<void>;
    /** The instance menu's console page and Session Manager connection, each with why not. */
    instanceInfo(env: string, id: string): Promise<InstanceInfo>;
    openConsole(env: string, id: string): Promise<void>;
    /** Opens a terminal with aws ssm start-session on the instance. */
    connect(env: string, id: string): Promise<void>;
    /** Opens an environment file in the default editor, or shows it in its folder. */
    openFile(path: string): Promise<void>;
    revealFile(path: string): Promise<void>;
    /** Saves a run's activity log where the native dialog says; the path, "" when cancelled. */
    saveLog(env: string, text: string): Promise<string>;
    /** Puts text on the clipboard. */
    copy(text: string): Promise<void>;

    settings(): Promise<SettingsView>;
    addFolder(): Promise<SettingsView>;
    removeFolder(path: string): Promise<SettingsView>;
    setTheme(t: Theme): Promise<SettingsView>;
    setNotifications(n: Notifications): Promise<SettingsView>;
    openLog(): Promise<void>;
    /** Copies the example environment files out and opens their folder; its path. */
    openExamples(): Promise<string>;

    onEnvs(cb: (envs: EnvView[]) => void): Unsubscribe;
    onRunEvent(cb: (ev: RunEvent) => void): Unsubscribe;
    /** A run's progress after each of its events, and once it has ended (run:progress, run:finished). */
    onRunProgress(cb: (run: Progress) => void): Unsubscribe;
    onSettings(cb: (s: SettingsView) => void): Unsubscribe;

    // Profiles: secrets go in (addProfile/editProfile) and never come back.
    profiles(): Promise<ProfileList>;
    whoAmI(): Promise<Whoami>;
    /** The active profile and region ("" = the profile's own) of every front end. */
    useProfile(name: string, region: string): Promise<void>;
    addProfile(input: KeychainInput): Promise<Profile>;
    /** An empty secret keeps the stored keys. */
    editProfile(input: KeychainInput): Promise<Profile>;
    deleteProfile(name: string): Promise<void>;
    /** Copies a credentials-file profile into the keychain; the file is untouched. */
    importProfile(name: string): Promise<Profile>;
    /** Removes an imported profile's section from the credentials file (after the user confirmed). */
    removeFromFile(name: string): Promise<void>;
    /** IAM Identity Center sign-in; resolves once approved. The code arrives as onSSO. */
    login(name: string): Promise<void>;
    openSignInPage(): Promise<void>;
    cancelLogin(): Promise<void>;
    submitMFA(code: string): Promise<void>;
    cancelMFA(): Promise<void>;
    onProfiles(cb: (l: ProfileList) => void): Unsubscribe;
    onMFA(cb: (q: MFAQuestion) => void): Unsubscribe;
    onSSO(cb: (p: SSOProgress) => void): Unsubscribe;

    // Prices and cost.
    /** offline: cache and built-in table only (no Price List call). */
    envCost(env: string, offline: boolean): Promise<CostReport>;
    refreshPrices(env: string): Promise<CostReport>;
    report(req: ReportRequest): Promise<Report>;
    /** Saves the report as CSV through the native save dialog; "" when cancelled. */
    saveCSV(req: ReportRequest): Promise<string>;
    historyNotice(): Promise<string>;
    /** Starts and stops recorded in a range, newest first (who, when, from where, result). */
    operations(req: ReportRequest): Promise<OperationRow[]>;
    operationEvents(id: number): Promise<RunEvent[]>;

    // Leases and what is deployed in AWS (InAWS). Lengths in seconds, 60 to 604800 (7 days).
    /** Starts like run(env, start), the instances leased for `seconds` before anything starts. */
    startWithLease(env: string, seconds: number): Promise<void>;
    lease(env: string, seconds: number): Promise<LeaseResult>;
    /** Someone else's lease may be extended: previousByName says whose it was. */
    extendLease(env: string, seconds: number): Promise<LeaseResult>;
    endLease(env: string): Promise<LeaseResult>;
    /** What is deployed (runbooks, schedules, the lease's schedule), read from AWS on demand. */
    deployed(env: string): Promise<Deployment>;

    /** Tells the app the environment list is first on screen (it logs the time since launch). */
    listShown(): void;

    // Launching (its progress is a run's: onRunEvent, onRunProgress; cancel is cancel).
    /** The launch dialog's choices: templates with their types' prices and tokens, where it acts. */
    launchTemplates(env: string): Promise<LaunchTemplates>;
    /** Checked in AWS, nothing created; rejects with every problem at once. */
    previewLaunch(env: string, req: LaunchRequest): Promise<LaunchPreview>;
    /** Resolves once the launch holds the environment; pass the preview's ids in req.ids. */
    launch(env: string, req: LaunchRequest): Promise<void>;
    /** The instance and its stack, for the confirmation; rejects an instance Cloud Control did not launch. */
    terminateTarget(env: string, instance: string): Promise<TerminateTarget>;
    terminate(env: string, instance: string): Promise<void>;
    /** Every launch of env ("" every environment's in the profile and region), leftovers flagged. */
    launches(env: string): Promise<LaunchList>;
    /** Deletes the leftovers launched into env. */
    cleanUp(env: string): Promise<void>;
    /** The leftovers last found (at the app's start, or by launches("")). */
    leftovers(): Promise<Listed[]>;
    onLeftovers(cb: (l: Listed[]) => void): Unsubscribe;
}

/** Event names, as app/desktop/API.md lists them. */
export const events = {
    envs: 'envs:changed',
    runEvent: 'run:event',
    runProgress: 'run:progress',
    runFinished: 'run:finished',
    settings: 'settings:changed',
    profiles: 'profiles:changed',
    mfa: 'profiles:mfa',
    sso: 'profiles:sso',
    listShown: 'ui:list-shown',
    leftovers: 'launches:leftovers',
} as const;

/** "window" in the app's own webview (wails://wails, or wails.localhost on
 * Windows), "browser" when wails dev serves the page to a browser. */
export function viewKind(hostname: string): 'window' | 'browser' {
    return hostname === 'wails' || hostname === 'wails.localhost' ? 'window' : 'browser';
}

/** The real Api over the Wails bindings. */
export function wailsApi(): Api {
    // EventsOn returns its own canceller, which removes just this listener
    // (EventsOff would remove every listener of the name).
    const on = <T>(name: string, make: (raw: unknown) => T, cb: (v: T) => void): Unsubscribe =>
        EventsOn(name, (raw: unknown) => cb(make(raw)));
    const envList = (raw: unknown) => ((raw as unknown[]) ?? []).map((e) => desktop.EnvView.createFrom(e));
    return {
        overview: () => Envs.Overview(),
        plan: (env, action) => Envs.Plan(env, action),
        run: (env, action) => (action === op.Action.START ? Envs.Start(env) : Envs.Stop(env)),
        cancel: (env) => Envs.Cancel(env),
        instanceAction: (env, id, action) => Envs.InstanceAction(env, id, action),
        runLog: (env) => Envs.RunLog(env),
        refresh: () => Envs.Refresh(),
        dismiss: (env) => Envs.Dismiss(env),
        instanceInfo: (env, id) => Envs.InstanceInfo(env, id),
        openConsole: (env, id) => Envs.OpenConsole(env, id),
        connect: (env, id) => Envs.Connect(env, id),
        openFile: (path) => Envs.OpenFile(path),
        revealFile: (path) => Envs.RevealFile(path),
        saveLog: (env, text) => Envs.SaveLog(env, text),
        copy: async (text) => {
            if (!(await ClipboardSetText(text))) throw new Error('the clipboard did not take the text');
        },
        settings: () => Settings.Get(),
        addFolder: () => Settings.AddFolder(),
        removeFolder: (path) => Settings.RemoveFolder(path),
        setTheme: (t) => Settings.SetTheme(t),
        setNotifications: (n) => Settings.SetNotifications(n),
        openLog: () => Settings.OpenLog(),
        openExamples: () => Settings.OpenExamples(),
        onEnvs: (cb) => on(events.envs, envList, cb),
        onRunEvent: (cb) => on(events.runEvent, (r) => op.Event.createFrom(r), cb),
        onRunProgress: (cb) => {
            const make = (r: unknown) => op.Progress.createFrom(r);
            const offs = [on(events.runProgress, make, cb), on(events.runFinished, make, cb)];
            return () => offs.forEach((off) => off());
        },
        onSettings: (cb) => on(events.settings, (r) => desktop.SettingsView.createFrom(r), cb),

        profiles: () => Profiles.List(),
        whoAmI: () => Profiles.WhoAmI(),
        useProfile: (name, region) => Profiles.Use(name, region),
        addProfile: (input) => Profiles.Add(desktop.KeychainInput.createFrom(input)),
        editProfile: (input) => Profiles.Edit(desktop.KeychainInput.createFrom(input)),
        deleteProfile: (name) => Profiles.Delete(name),
        importProfile: (name) => Profiles.Import(name),
        removeFromFile: (name) => Profiles.RemoveFromFile(name),
        login: (name) => Profiles.Login(name),
        openSignInPage: () => Profiles.OpenSignInPage(),
        cancelLogin: () => Profiles.CancelLogin(),
        submitMFA: (code) => Profiles.SubmitMFA(code),
        cancelMFA: () => Profiles.CancelMFA(),
        onProfiles: (cb) => on(events.profiles, (r) => desktop.ProfileList.createFrom(r), cb),
        onMFA: (cb) => on(events.mfa, (r) => desktop.MFAQuestion.createFrom(r), cb),
        onSSO: (cb) => on(events.sso, (r) => desktop.SSOProgress.createFrom(r), cb),

        envCost: (env, offline) => Costs.EnvCost(env, offline),
        refreshPrices: (env) => Costs.RefreshPrices(env),
        report: (req) => Costs.Report(desktop.ReportRequest.createFrom(req)),
        saveCSV: (req) => Costs.SaveCSV(desktop.ReportRequest.createFrom(req)),
        historyNotice: () => Costs.HistoryNotice(),
        operations: (req) => Costs.Operations(desktop.ReportRequest.createFrom(req)),
        operationEvents: (id) => Costs.OperationEvents(id),
        startWithLease: (env, seconds) => InAWS.StartWithLease(env, seconds),
        lease: (env, seconds) => InAWS.Lease(env, seconds),
        extendLease: (env, seconds) => InAWS.ExtendLease(env, seconds),
        endLease: (env) => InAWS.EndLease(env),
        deployed: (env) => InAWS.Deployed(env),
        listShown: () =>
            EventsEmit(events.listShown, {view: viewKind(window.location.hostname), pageMs: performance.now()}),

        launchTemplates: (env) => Launches.Templates(env),
        previewLaunch: (env, req) => Launches.Preview(env, launch.Request.createFrom(req)),
        launch: (env, req) => Launches.Launch(env, launch.Request.createFrom(req)),
        terminateTarget: (env, instance) => Launches.TerminateTarget(env, instance),
        terminate: (env, instance) => Launches.Terminate(env, instance),
        launches: (env) => Launches.List(env),
        cleanUp: (env) => Launches.CleanUp(env),
        leftovers: () => Launches.Leftovers(),
        onLeftovers: (cb) =>
            on(events.leftovers, (r) => ((r as unknown[]) ?? []).map((l) => launch.Listed.createFrom(l)), cb),
    };
}
