// The front end's types are the ones Wails generates from the Go structs
// (wailsjs/go/models.ts); this file only gives them short names.
// Nothing outside src/api imports wailsjs: components and tests import from here.
import {cloud, control, cost, creds, desktop, history, lock, op, orchestrate} from '../../wailsjs/go/models';

export type Instance = cloud.Instance;
export type EnvView = desktop.EnvView;
export type StageView = desktop.StageView;
export type ProblemView = desktop.ProblemView;
export type InstanceInfo = desktop.InstanceInfo;
export type ConnectInfo = desktop.ConnectInfo;
export type Overview = desktop.Overview;
export type SettingsView = desktop.SettingsView;
export type Holder = lock.Holder;
export type Plan = orchestrate.Plan;
export type PlanStage = orchestrate.PlanStage;
export type PlanInstance = orchestrate.PlanInstance;
export type PlanCheck = orchestrate.PlanCheck;
export type Gate = orchestrate.Gate;
export type RunEvent = op.Event;
/** A start's or stop's progress, folded on the Go side (op.Progress); the window renders it as it is. */
export type Progress = op.Progress;
export type StageProgress = op.StageProgress;
export type Failure = op.Failure;
export type Waiting = op.Waiting;

// Profiles and credentials (never a secret: a key id's last four at most).
export type Profile = creds.Profile;
export type ProfileView = desktop.ProfileView;
export type ProfileList = desktop.ProfileList;
export type KeychainInput = desktop.KeychainInput;
export type Whoami = control.Whoami;

/** Payload of "profiles:mfa": a session needs a code. */
export type MFAQuestion = desktop.MFAQuestion;
/** Payload of "profiles:sso": an IAM Identity Center sign-in's progress. */
export type SSOProgress = desktop.SSOProgress;

// Prices and cost.
export type CostReport = control.CostReport;
export type EnvCost = cost.EnvCost;
export type InstanceCost = cost.InstanceCost;
export type Money = cost.Money;
export type Quote = cost.Quote;
export type Report = history.Report;
export type ReportRow = history.Row;
export type ReportDay = history.Day;
export type ReportRequest = desktop.ReportRequest;
export type OperationRow = history.OperationRow;

// The typed vocabulary: Go's constants, generated as TypeScript enums.
export type Action = op.Action;
export type InstanceAction = control.InstanceAction;
export type State = op.State;
export type Theme = desktop.Theme;
export type Notifications = desktop.Notifications;

export {cloud, control, cost, creds, desktop, history, lock, op, orchestrate};

// Launching (app/desktop/API.md, "Launches"): until the bindings are generated on this branch, the same
// fields as launch.* and control.* in models.ts, declared here.
export interface TypePrice {
    type: string;
    hourly: Quote;
}
export interface TokenValue {
    name: string;
    value: string;
    given?: boolean;
}
export interface LaunchTarget {
    profile?: string;
    region: string;
    identity: {account: string; arn: string; userId?: string};
}
export interface TemplateView {
    name: string;
    description?: string;
    stage: string;
    ami: string;
    types: TypePrice[];
    tokens: TokenValue[];
    volume?: {size: number; type?: string; device?: string; encrypted?: boolean; 'kms-key'?: string};
    ttlSeconds?: number;
    dnsZone?: string;
    timeoutSeconds: number;
    problem?: string;
}
export interface LaunchTemplates {
    env: string;
    target: LaunchTarget;
    templates: TemplateView[];
}
export interface LaunchRequest {
    template: string;
    type?: string;
    name?: string;
    tokens?: Record<string, string>;
    count?: number;
    ids?: string[];
}
export interface LaunchPreview {
    env: string;
    template: string;
    description?: string;
    stage: string;
    account: string;
    region: string;
    profile?: string;
    caller: string;
    instances: {name: string; stack: string; launch: string; dns?: string; tags: Record<string, string>}[];
    image: {id: string; name?: string; description?: string; alias?: string};
    type: string;
    types: TypePrice[];
    subnet: string;
    vpc: string;
    zone: string;
    securityGroups: string[];
    keyPair?: string;
    instanceProfile?: string;
    volume?: {sizeGiB: number; type: string; device: string; encrypted: boolean; kmsKey?: string};
    dnsZone?: string;
    lease?: {ttlSeconds: number; until: unknown; by: string};
    tokens?: TokenValue[];
    cloudformation: string;
    userDataBytes: number;
    timeoutSeconds: number;
    hourly: Quote;
    volumeMonthly: Money;
    hourlyTotal: Money;
    monthlyTotal: Money;
    warnings?: string[];
}
export interface StackInfo {
    id: string;
    name: string;
    status: string;
    statusReason?: string;
    tags?: Record<string, string>;
}
/** What Terminate would end, for its confirmation. */
export interface TerminateTarget {
    instance: Instance;
    stack: StackInfo;
}
/** One launch as `launches` lists it (launch.Listed). */
export interface Listed {
    stack: string;
    stackId: string;
    status: string;
    reason?: string;
    region: string;
    env: string;
    template?: string;
    launch: string;
    launchedBy?: string;
    created: unknown;
    instance?: string;
    name?: string;
    state?: string;
    type?: string;
    privateIp?: string;
    dns?: string;
    progress?: {percent: number; message?: string};
    hourly: Quote;
    leftover: boolean;
    why?: string;
}
export interface LaunchList {
    target: LaunchTarget;
    env?: string;
    launches: Listed[];
    leftovers: number;
}
export interface ResourceProgress {
    logicalId: string;
    type?: string;
    status: string;
    reason?: string;
}
/** One stack of a launch, terminate or clean-up (op.LaunchProgress). */
export interface LaunchProgress {
    stack: string;
    stackId?: string;
    status?: string;
    instance?: string;
    name?: string;
    state?: string;
    percent?: number;
    bootMessage?: string;
    resources: ResourceProgress[];
    reason?: string;
    dns?: string;
    outcome: op.Outcome;
    cleanedUp?: boolean;
    started: unknown;
    message?: string;
}
