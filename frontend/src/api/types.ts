// The front end's types are the ones Wails generates from the Go structs
// (wailsjs/go/models.ts); this file only gives them short names.
import {cloud, desktop, lock, orchestrate} from '../../wailsjs/go/models';

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

export type Action = 'start' | 'stop';
export type InstanceAction = 'start' | 'stop' | 'reboot';

export {cloud, desktop, lock, orchestrate};
