// The front end's types are the ones Wails generates from the Go structs
// (wailsjs/go/models.ts); this file only gives them short names.
// Nothing outside src/api imports wailsjs: components and tests import from here.
import {cloud, control, cost, creds, desktop, history, launch, lock, op, orchestrate} from '../../wailsjs/go/models';

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

// Leases, who started it, what is deployed in AWS.
/** Who started the running instances and their lease, from their tags (EnvView.who). */
export type Who = control.Who;
export type LeaseResult = control.LeaseResult;
export type Deployment = control.Deployment;
export type DeployedDocument = control.DeployedDocument;
export type DeployedSchedule = control.DeployedSchedule;

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

export {cloud, control, cost, creds, desktop, history, launch, lock, op, orchestrate};

// Launching (app/desktop/API.md, "Launches").
export type TypePrice = launch.TypePrice;
export type TokenValue = launch.TokenValue;
/** Where the launch dialog acts: profile, region, identity. */
export type LaunchTarget = control.Target;
export type TemplateView = control.TemplateView;
export type LaunchTemplates = control.LaunchTemplates;
/** What to launch; ids are the preview's launch ids. */
export type LaunchRequest = Omit<launch.Request, 'convertValues'>;
export type LaunchPreview = launch.Preview;
/** What Terminate would end (the instance and its stack), for its confirmation. */
export type TerminateTarget = launch.Target;
/** One launch as `launches` lists it. */
export type Listed = launch.Listed;
export type LaunchList = control.LaunchList;
export type ResourceProgress = op.ResourceProgress;
/** One stack of a launch, terminate or clean-up. */
export type LaunchProgress = op.LaunchProgress;
