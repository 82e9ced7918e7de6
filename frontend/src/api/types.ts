// The front end's types are the ones Wails generates from the Go structs
// (wailsjs/go/models.ts); this file only gives them short names.
import {cloud, control, cost, creds, desktop, history, lock, orchestrate} from '../../wailsjs/go/models';

export type Instance = cloud.Instance;
export type EnvView = desktop.EnvView;
export type StageView = desktop.StageView;
export type ProblemView = desktop.ProblemView;
export type RunView = desktop.RunView;
export type RunFailure = desktop.RunFailure;
export type Overview = desktop.Overview;
export type SettingsView = desktop.SettingsView;
export type Holder = lock.Holder;
export type Plan = orchestrate.Plan;
export type PlanStage = orchestrate.PlanStage;
export type PlanInstance = orchestrate.PlanInstance;
export type Gate = orchestrate.Gate;
export type RunEvent = orchestrate.Event;

// Profiles and credentials (never a secret: a key id's last four at most).
export type Profile = creds.Profile;
export type ProfileView = desktop.ProfileView;
export type ProfileList = desktop.ProfileList;
export type KeychainInput = desktop.KeychainInput;
export type Whoami = control.Whoami;

/** Payload of "profiles:mfa": a session needs a code. */
export interface MFAQuestion {
    profile: string;
    mfaSerial: string;
}

/** Payload of "profiles:sso": an IAM Identity Center sign-in's progress. */
export interface SSOProgress {
    profile: string;
    state: 'code' | 'done' | 'failed';
    device?: {userCode: string; verificationUri: string; verificationUriComplete: string};
    expires?: string;
    error?: string;
}

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

export type Action = 'start' | 'stop';
export type InstanceAction = 'start' | 'stop' | 'reboot';

export {cloud, control, cost, creds, desktop, history, lock, orchestrate};
