// Until the bindings are regenerated on this branch (the launch branch's are the same functions):
// typed with the front end's declarations of launch.* and control.*.
import type {LaunchList, LaunchPreview, LaunchRequest, LaunchTemplates, Listed, TerminateTarget} from '../../../src/api/types';

export function Cancel(arg1:string):Promise<void>;

export function CleanUp(arg1:string):Promise<void>;

export function Launch(arg1:string,arg2:LaunchRequest):Promise<void>;

export function Leftovers():Promise<Array<Listed>>;

export function List(arg1:string):Promise<LaunchList>;

export function Preview(arg1:string,arg2:LaunchRequest):Promise<LaunchPreview>;

export function Templates(arg1:string):Promise<LaunchTemplates>;

export function Terminate(arg1:string,arg2:string):Promise<void>;

export function TerminateTarget(arg1:string,arg2:string):Promise<TerminateTarget>;
