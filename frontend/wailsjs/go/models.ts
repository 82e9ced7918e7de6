export namespace cloud {
	
	export class BootProgress {
	    percent: number;
	    message?: string;
	
	    static createFrom(source: any = {}) {
	        return new BootProgress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.percent = source["percent"];
	        this.message = source["message"];
	    }
	}
	export class Identity {
	    account: string;
	    arn: string;
	    userId?: string;
	
	    static createFrom(source: any = {}) {
	        return new Identity(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.arn = source["arn"];
	        this.userId = source["userId"];
	    }
	}
	export class Instance {
	    id: string;
	    region: string;
	    name?: string;
	    type?: string;
	    state: string;
	    stateReason?: string;
	    az?: string;
	    privateIp?: string;
	    publicIp?: string;
	    tags?: Record<string, string>;
	    // Go type: time
	    launchTime: any;
	    // Go type: time
	    stateChanged: any;
	    lifecycle?: string;
	    progress?: BootProgress;
	    launch?: string;
	    dnsName?: string;
	    startedBy?: string;
	    // Go type: time
	    startedAt?: any;
	    // Go type: time
	    leaseUntil?: any;
	    leaseBy?: string;
	
	    static createFrom(source: any = {}) {
	        return new Instance(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.region = source["region"];
	        this.name = source["name"];
	        this.type = source["type"];
	        this.state = source["state"];
	        this.stateReason = source["stateReason"];
	        this.az = source["az"];
	        this.privateIp = source["privateIp"];
	        this.publicIp = source["publicIp"];
	        this.tags = source["tags"];
	        this.launchTime = this.convertValues(source["launchTime"], null);
	        this.stateChanged = this.convertValues(source["stateChanged"], null);
	        this.lifecycle = source["lifecycle"];
	        this.progress = this.convertValues(source["progress"], BootProgress);
	        this.launch = source["launch"];
	        this.dnsName = source["dnsName"];
	        this.startedBy = source["startedBy"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.leaseUntil = this.convertValues(source["leaseUntil"], null);
	        this.leaseBy = source["leaseBy"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Stack {
	    id: string;
	    name: string;
	    status: string;
	    statusReason?: string;
	    description?: string;
	    // Go type: time
	    created: any;
	    // Go type: time
	    deleted: any;
	    parameters?: Record<string, string>;
	    outputs?: Record<string, string>;
	    tags?: Record<string, string>;
	
	    static createFrom(source: any = {}) {
	        return new Stack(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.status = source["status"];
	        this.statusReason = source["statusReason"];
	        this.description = source["description"];
	        this.created = this.convertValues(source["created"], null);
	        this.deleted = this.convertValues(source["deleted"], null);
	        this.parameters = source["parameters"];
	        this.outputs = source["outputs"];
	        this.tags = source["tags"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace control {
	
	export enum InstanceAction {
	    REBOOT = "reboot",
	    START = "start",
	    STOP = "stop",
	}
	export class Target {
	    profile?: string;
	    region: string;
	    identity: cloud.Identity;
	
	    static createFrom(source: any = {}) {
	        return new Target(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = source["profile"];
	        this.region = source["region"];
	        this.identity = this.convertValues(source["identity"], cloud.Identity);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CostReport {
	    estimate: cost.EnvCost;
	    target: Target;
	    refresh: cost.RefreshReport;
	    volumeProblem?: string;
	
	    static createFrom(source: any = {}) {
	        return new CostReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.estimate = this.convertValues(source["estimate"], cost.EnvCost);
	        this.target = this.convertValues(source["target"], Target);
	        this.refresh = this.convertValues(source["refresh"], cost.RefreshReport);
	        this.volumeProblem = source["volumeProblem"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DeployedDocument {
	    kind: string;
	    name: string;
	    version: string;
	    latestVersion?: string;
	    changedInAws?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DeployedDocument(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.version = source["version"];
	        this.latestVersion = source["latestVersion"];
	        this.changedInAws = source["changedInAws"];
	    }
	}
	export class DeployedSchedule {
	    name: string;
	    expression: string;
	    timezone: string;
	    state: string;
	    describe?: string;
	    // Go type: time
	    next?: any;
	    runs?: any[];
	    document?: string;
	    ours: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DeployedSchedule(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.expression = source["expression"];
	        this.timezone = source["timezone"];
	        this.state = source["state"];
	        this.describe = source["describe"];
	        this.next = this.convertValues(source["next"], null);
	        this.runs = source["runs"];
	        this.document = source["document"];
	        this.ours = source["ours"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Deployment {
	    env: string;
	    region: string;
	    deployed: boolean;
	    documents: DeployedDocument[];
	    group: string;
	    schedules: DeployedSchedule[];
	    // Go type: time
	    checked: any;
	    // Go type: time
	    nextStart?: any;
	    // Go type: time
	    nextStop?: any;
	    lease?: DeployedSchedule;
	
	    static createFrom(source: any = {}) {
	        return new Deployment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.region = source["region"];
	        this.deployed = source["deployed"];
	        this.documents = this.convertValues(source["documents"], DeployedDocument);
	        this.group = source["group"];
	        this.schedules = this.convertValues(source["schedules"], DeployedSchedule);
	        this.checked = this.convertValues(source["checked"], null);
	        this.nextStart = this.convertValues(source["nextStart"], null);
	        this.nextStop = this.convertValues(source["nextStop"], null);
	        this.lease = this.convertValues(source["lease"], DeployedSchedule);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LaunchList {
	    target: Target;
	    env?: string;
	    launches: launch.Listed[];
	    leftovers: number;
	
	    static createFrom(source: any = {}) {
	        return new LaunchList(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.target = this.convertValues(source["target"], Target);
	        this.env = source["env"];
	        this.launches = this.convertValues(source["launches"], launch.Listed);
	        this.leftovers = source["leftovers"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TemplateView {
	    name: string;
	    description?: string;
	    stage: string;
	    ami: string;
	    types: launch.TypePrice[];
	    tokens: launch.TokenValue[];
	    volume?: env.Volume;
	    ttlSeconds?: number;
	    dnsZone?: string;
	    timeoutSeconds: number;
	    problem?: string;
	
	    static createFrom(source: any = {}) {
	        return new TemplateView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	        this.stage = source["stage"];
	        this.ami = source["ami"];
	        this.types = this.convertValues(source["types"], launch.TypePrice);
	        this.tokens = this.convertValues(source["tokens"], launch.TokenValue);
	        this.volume = this.convertValues(source["volume"], env.Volume);
	        this.ttlSeconds = source["ttlSeconds"];
	        this.dnsZone = source["dnsZone"];
	        this.timeoutSeconds = source["timeoutSeconds"];
	        this.problem = source["problem"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LaunchTemplates {
	    env: string;
	    target: Target;
	    templates: TemplateView[];
	
	    static createFrom(source: any = {}) {
	        return new LaunchTemplates(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.target = this.convertValues(source["target"], Target);
	        this.templates = this.convertValues(source["templates"], TemplateView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LeaseResult {
	    env: string;
	    // Go type: time
	    until?: any;
	    by?: string;
	    byName?: string;
	    // Go type: time
	    previousUntil?: any;
	    previousBy?: string;
	    previousByName?: string;
	    instances: string[];
	    keptBy?: string;
	    schedule?: string;
	    message: string;
	    notes?: string[];
	
	    static createFrom(source: any = {}) {
	        return new LeaseResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.until = this.convertValues(source["until"], null);
	        this.by = source["by"];
	        this.byName = source["byName"];
	        this.previousUntil = this.convertValues(source["previousUntil"], null);
	        this.previousBy = source["previousBy"];
	        this.previousByName = source["previousByName"];
	        this.instances = source["instances"];
	        this.keptBy = source["keptBy"];
	        this.schedule = source["schedule"];
	        this.message = source["message"];
	        this.notes = source["notes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class Who {
	    startedBy?: string;
	    startedByName?: string;
	    // Go type: time
	    startedAt?: any;
	    // Go type: time
	    leaseUntil?: any;
	    leaseBy?: string;
	    leaseByName?: string;
	    leasedInstances?: number;
	    upInstances?: number;
	
	    static createFrom(source: any = {}) {
	        return new Who(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.startedBy = source["startedBy"];
	        this.startedByName = source["startedByName"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.leaseUntil = this.convertValues(source["leaseUntil"], null);
	        this.leaseBy = source["leaseBy"];
	        this.leaseByName = source["leaseByName"];
	        this.leasedInstances = source["leasedInstances"];
	        this.upInstances = source["upInstances"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Whoami {
	    profile?: string;
	    region: string;
	    identity: cloud.Identity;
	    // Go type: time
	    expires?: any;
	
	    static createFrom(source: any = {}) {
	        return new Whoami(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = source["profile"];
	        this.region = source["region"];
	        this.identity = this.convertValues(source["identity"], cloud.Identity);
	        this.expires = this.convertValues(source["expires"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace cost {
	
	export class Period {
	    // Go type: time
	    from: any;
	    // Go type: time
	    to: any;
	    hours: number;
	    cost: Money;
	
	    static createFrom(source: any = {}) {
	        return new Period(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = this.convertValues(source["from"], null);
	        this.to = this.convertValues(source["to"], null);
	        this.hours = source["hours"];
	        this.cost = this.convertValues(source["cost"], Money);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Money {
	    usd: number;
	    unknown?: string[];
	    any: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Money(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.usd = source["usd"];
	        this.unknown = source["unknown"];
	        this.any = source["any"];
	    }
	}
	export class VolumeCost {
	    id: string;
	    instanceId: string;
	    type: string;
	    sizeGiB: number;
	    iops?: number;
	    throughput?: number;
	    price: Quote;
	    monthly: Money;
	
	    static createFrom(source: any = {}) {
	        return new VolumeCost(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.instanceId = source["instanceId"];
	        this.type = source["type"];
	        this.sizeGiB = source["sizeGiB"];
	        this.iops = source["iops"];
	        this.throughput = source["throughput"];
	        this.price = this.convertValues(source["price"], Quote);
	        this.monthly = this.convertValues(source["monthly"], Money);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Quote {
	    usd: number;
	    unit: string;
	    known: boolean;
	    source?: string;
	    // Go type: time
	    asOf: any;
	    note?: string;
	
	    static createFrom(source: any = {}) {
	        return new Quote(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.usd = source["usd"];
	        this.unit = source["unit"];
	        this.known = source["known"];
	        this.source = source["source"];
	        this.asOf = this.convertValues(source["asOf"], null);
	        this.note = source["note"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InstanceCost {
	    id: string;
	    name?: string;
	    region: string;
	    type: string;
	    state: string;
	    lifecycle?: string;
	    hourly: Quote;
	    publicIpv4?: Quote;
	    volumes?: VolumeCost[];
	    // Go type: time
	    runningSince: any;
	    hourlyWhileRunning: Money;
	    runSoFar: Money;
	    stoppedMonthly: Money;
	
	    static createFrom(source: any = {}) {
	        return new InstanceCost(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.region = source["region"];
	        this.type = source["type"];
	        this.state = source["state"];
	        this.lifecycle = source["lifecycle"];
	        this.hourly = this.convertValues(source["hourly"], Quote);
	        this.publicIpv4 = this.convertValues(source["publicIpv4"], Quote);
	        this.volumes = this.convertValues(source["volumes"], VolumeCost);
	        this.runningSince = this.convertValues(source["runningSince"], null);
	        this.hourlyWhileRunning = this.convertValues(source["hourlyWhileRunning"], Money);
	        this.runSoFar = this.convertValues(source["runSoFar"], Money);
	        this.stoppedMonthly = this.convertValues(source["stoppedMonthly"], Money);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EnvCost {
	    env: string;
	    // Go type: time
	    at: any;
	    instances: InstanceCost[];
	    hourlyWhileRunning: Money;
	    hourlyNow: Money;
	    runSoFar: Money;
	    // Go type: time
	    runSince: any;
	    overnight: Period;
	    weekend: Period;
	    stoppedMonthly: Money;
	    priceNote?: string;
	    basis: string;
	    definitions: string[];
	
	    static createFrom(source: any = {}) {
	        return new EnvCost(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.at = this.convertValues(source["at"], null);
	        this.instances = this.convertValues(source["instances"], InstanceCost);
	        this.hourlyWhileRunning = this.convertValues(source["hourlyWhileRunning"], Money);
	        this.hourlyNow = this.convertValues(source["hourlyNow"], Money);
	        this.runSoFar = this.convertValues(source["runSoFar"], Money);
	        this.runSince = this.convertValues(source["runSince"], null);
	        this.overnight = this.convertValues(source["overnight"], Period);
	        this.weekend = this.convertValues(source["weekend"], Period);
	        this.stoppedMonthly = this.convertValues(source["stoppedMonthly"], Money);
	        this.priceNote = source["priceNote"];
	        this.basis = source["basis"];
	        this.definitions = source["definitions"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	
	export class RefreshReport {
	    fetched: number;
	    fresh: number;
	    problem?: string;
	
	    static createFrom(source: any = {}) {
	        return new RefreshReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fetched = source["fetched"];
	        this.fresh = source["fresh"];
	        this.problem = source["problem"];
	    }
	}

}

export namespace creds {
	
	export class Device {
	    userCode: string;
	    verificationUri: string;
	    verificationUriComplete: string;
	    ExpiresIn: number;
	    Interval: number;
	
	    static createFrom(source: any = {}) {
	        return new Device(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.userCode = source["userCode"];
	        this.verificationUri = source["verificationUri"];
	        this.verificationUriComplete = source["verificationUriComplete"];
	        this.ExpiresIn = source["ExpiresIn"];
	        this.Interval = source["Interval"];
	    }
	}
	export class Profile {
	    name: string;
	    kind: string;
	    region?: string;
	    sourceProfile?: string;
	    roleArn?: string;
	    mfaSerial?: string;
	    ssoStartUrl?: string;
	    plaintext?: boolean;
	    keyIdSuffix?: string;
	    source: string;
	
	    static createFrom(source: any = {}) {
	        return new Profile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.region = source["region"];
	        this.sourceProfile = source["sourceProfile"];
	        this.roleArn = source["roleArn"];
	        this.mfaSerial = source["mfaSerial"];
	        this.ssoStartUrl = source["ssoStartUrl"];
	        this.plaintext = source["plaintext"];
	        this.keyIdSuffix = source["keyIdSuffix"];
	        this.source = source["source"];
	    }
	}

}

export namespace desktop {
	
	export enum Notifications {
	    ALL = "all",
	    OFF = "off",
	    PROBLEMS = "problems",
	}
	export enum SSOState {
	    CODE = "code",
	    DONE = "done",
	    FAILED = "failed",
	}
	export enum Theme {
	    DARK = "dark",
	    LIGHT = "light",
	    SYSTEM = "system",
	}
	export class CSVExport {
	    fileName: string;
	    csv: string;
	
	    static createFrom(source: any = {}) {
	        return new CSVExport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fileName = source["fileName"];
	        this.csv = source["csv"];
	    }
	}
	export class ConnectInfo {
	    available: boolean;
	    problem?: string;
	    command: string[];
	    note?: string;
	
	    static createFrom(source: any = {}) {
	        return new ConnectInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.available = source["available"];
	        this.problem = source["problem"];
	        this.command = source["command"];
	        this.note = source["note"];
	    }
	}
	export class StageView {
	    name: string;
	    after: string[];
	    gates: orchestrate.Gate[];
	    state: op.State;
	    instances: cloud.Instance[];
	
	    static createFrom(source: any = {}) {
	        return new StageView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.after = source["after"];
	        this.gates = this.convertValues(source["gates"], orchestrate.Gate);
	        this.state = source["state"];
	        this.instances = this.convertValues(source["instances"], cloud.Instance);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProblemView {
	    file: string;
	    line: number;
	    col: number;
	    message: string;
	    source: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new ProblemView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.line = source["line"];
	        this.col = source["col"];
	        this.message = source["message"];
	        this.source = source["source"];
	        this.text = source["text"];
	    }
	}
	export class EnvView {
	    name: string;
	    file: string;
	    description: string;
	    region: string;
	    profile: string;
	    account: string;
	    state: op.State;
	    instanceState: op.State;
	    live: boolean;
	    // Go type: time
	    checkedAt: any;
	    error: string;
	    busy?: lock.Holder;
	    usable: boolean;
	    problems: ProblemView[];
	    stages: StageView[];
	    who: control.Who;
	    templates: string[];
	
	    static createFrom(source: any = {}) {
	        return new EnvView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.file = source["file"];
	        this.description = source["description"];
	        this.region = source["region"];
	        this.profile = source["profile"];
	        this.account = source["account"];
	        this.state = source["state"];
	        this.instanceState = source["instanceState"];
	        this.live = source["live"];
	        this.checkedAt = this.convertValues(source["checkedAt"], null);
	        this.error = source["error"];
	        this.busy = this.convertValues(source["busy"], lock.Holder);
	        this.usable = source["usable"];
	        this.problems = this.convertValues(source["problems"], ProblemView);
	        this.stages = this.convertValues(source["stages"], StageView);
	        this.who = this.convertValues(source["who"], control.Who);
	        this.templates = source["templates"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InstanceInfo {
	    id: string;
	    account: string;
	    region: string;
	    consoleUrl: string;
	    consoleProblem?: string;
	    connect: ConnectInfo;
	
	    static createFrom(source: any = {}) {
	        return new InstanceInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.account = source["account"];
	        this.region = source["region"];
	        this.consoleUrl = source["consoleUrl"];
	        this.consoleProblem = source["consoleProblem"];
	        this.connect = this.convertValues(source["connect"], ConnectInfo);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class KeychainInput {
	    name: string;
	    accessKeyId: string;
	    secretAccessKey: string;
	    mfaSerial: string;
	    roleArn: string;
	    region: string;
	    sessionMinutes: number;
	
	    static createFrom(source: any = {}) {
	        return new KeychainInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.accessKeyId = source["accessKeyId"];
	        this.secretAccessKey = source["secretAccessKey"];
	        this.mfaSerial = source["mfaSerial"];
	        this.roleArn = source["roleArn"];
	        this.region = source["region"];
	        this.sessionMinutes = source["sessionMinutes"];
	    }
	}
	export class MFAQuestion {
	    profile: string;
	    mfaSerial: string;
	
	    static createFrom(source: any = {}) {
	        return new MFAQuestion(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = source["profile"];
	        this.mfaSerial = source["mfaSerial"];
	    }
	}
	export class Overview {
	    sandbox: boolean;
	    sandboxUrl: string;
	    trayAvailable: boolean;
	    folders: string[];
	    environments: EnvView[];
	    runs: op.Progress[];
	    settingsProblem?: string;
	    theme: Theme;
	
	    static createFrom(source: any = {}) {
	        return new Overview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sandbox = source["sandbox"];
	        this.sandboxUrl = source["sandboxUrl"];
	        this.trayAvailable = source["trayAvailable"];
	        this.folders = source["folders"];
	        this.environments = this.convertValues(source["environments"], EnvView);
	        this.runs = this.convertValues(source["runs"], op.Progress);
	        this.settingsProblem = source["settingsProblem"];
	        this.theme = source["theme"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SSOProgress {
	    profile: string;
	    state: SSOState;
	    device?: creds.Device;
	    // Go type: time
	    expires?: any;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new SSOProgress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = source["profile"];
	        this.state = source["state"];
	        this.device = this.convertValues(source["device"], creds.Device);
	        this.expires = this.convertValues(source["expires"], null);
	        this.error = source["error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Payloads {
	    mfa: MFAQuestion;
	    sso: SSOProgress;
	
	    static createFrom(source: any = {}) {
	        return new Payloads(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mfa = this.convertValues(source["mfa"], MFAQuestion);
	        this.sso = this.convertValues(source["sso"], SSOProgress);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ProfileView {
	    name: string;
	    kind: string;
	    region?: string;
	    sourceProfile?: string;
	    roleArn?: string;
	    mfaSerial?: string;
	    ssoStartUrl?: string;
	    plaintext?: boolean;
	    keyIdSuffix?: string;
	    source: string;
	    // Go type: time
	    sessionExpires?: any;
	    account?: string;
	    arn?: string;
	    // Go type: time
	    checkedAt?: any;
	
	    static createFrom(source: any = {}) {
	        return new ProfileView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.region = source["region"];
	        this.sourceProfile = source["sourceProfile"];
	        this.roleArn = source["roleArn"];
	        this.mfaSerial = source["mfaSerial"];
	        this.ssoStartUrl = source["ssoStartUrl"];
	        this.plaintext = source["plaintext"];
	        this.keyIdSuffix = source["keyIdSuffix"];
	        this.source = source["source"];
	        this.sessionExpires = this.convertValues(source["sessionExpires"], null);
	        this.account = source["account"];
	        this.arn = source["arn"];
	        this.checkedAt = this.convertValues(source["checkedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProfileList {
	    profiles: ProfileView[];
	    active: string;
	    region: string;
	    inUse: string;
	    problems?: string[];
	
	    static createFrom(source: any = {}) {
	        return new ProfileList(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profiles = this.convertValues(source["profiles"], ProfileView);
	        this.active = source["active"];
	        this.region = source["region"];
	        this.inUse = source["inUse"];
	        this.problems = source["problems"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ReportRequest {
	    env: string;
	    from: string;
	    to: string;
	
	    static createFrom(source: any = {}) {
	        return new ReportRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.from = source["from"];
	        this.to = source["to"];
	    }
	}
	
	export class SettingsView {
	    folders: string[];
	    refreshSeconds: number;
	    problem?: string;
	    theme: Theme;
	    notifications: Notifications;
	    logFile: string;
	    version: string;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.folders = source["folders"];
	        this.refreshSeconds = source["refreshSeconds"];
	        this.problem = source["problem"];
	        this.theme = source["theme"];
	        this.notifications = source["notifications"];
	        this.logFile = source["logFile"];
	        this.version = source["version"];
	    }
	}

}

export namespace env {
	
	export class Volume {
	    size: number;
	    type?: string;
	    device?: string;
	    encrypted?: boolean;
	    "kms-key"?: string;
	
	    static createFrom(source: any = {}) {
	        return new Volume(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.size = source["size"];
	        this.type = source["type"];
	        this.device = source["device"];
	        this.encrypted = source["encrypted"];
	        this["kms-key"] = source["kms-key"];
	    }
	}

}

export namespace history {
	
	export class Day {
	    date: string;
	    hours: number;
	    cost: cost.Money;
	
	    static createFrom(source: any = {}) {
	        return new Day(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.date = source["date"];
	        this.hours = source["hours"];
	        this.cost = this.convertValues(source["cost"], cost.Money);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EnvTotal {
	    env: string;
	    hours: number;
	    cost: cost.Money;
	
	    static createFrom(source: any = {}) {
	        return new EnvTotal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.hours = source["hours"];
	        this.cost = this.convertValues(source["cost"], cost.Money);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class OperationRow {
	    id: number;
	    env: string;
	    action: string;
	    who: string;
	    client: string;
	    account?: string;
	    region?: string;
	    // Go type: time
	    started: any;
	    // Go type: time
	    finished: any;
	    result: string;
	    message?: string;
	    events: number;
	
	    static createFrom(source: any = {}) {
	        return new OperationRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.env = source["env"];
	        this.action = source["action"];
	        this.who = source["who"];
	        this.client = source["client"];
	        this.account = source["account"];
	        this.region = source["region"];
	        this.started = this.convertValues(source["started"], null);
	        this.finished = this.convertValues(source["finished"], null);
	        this.result = source["result"];
	        this.message = source["message"];
	        this.events = source["events"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Row {
	    env: string;
	    instance: string;
	    name?: string;
	    region: string;
	    type: string;
	    lifecycle?: string;
	    runs: number;
	    hours: number;
	    price: cost.Quote;
	    cost: cost.Money;
	
	    static createFrom(source: any = {}) {
	        return new Row(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.instance = source["instance"];
	        this.name = source["name"];
	        this.region = source["region"];
	        this.type = source["type"];
	        this.lifecycle = source["lifecycle"];
	        this.runs = source["runs"];
	        this.hours = source["hours"];
	        this.price = this.convertValues(source["price"], cost.Quote);
	        this.cost = this.convertValues(source["cost"], cost.Money);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ReportQuery {
	    env: string;
	    // Go type: time
	    from: any;
	    // Go type: time
	    to: any;
	    // Go type: time
	    now: any;
	
	    static createFrom(source: any = {}) {
	        return new ReportQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.from = this.convertValues(source["from"], null);
	        this.to = this.convertValues(source["to"], null);
	        this.now = this.convertValues(source["now"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Report {
	    query: ReportQuery;
	    rows: Row[];
	    envs: EnvTotal[];
	    days: Day[];
	    total: EnvTotal;
	    basis: string;
	
	    static createFrom(source: any = {}) {
	        return new Report(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = this.convertValues(source["query"], ReportQuery);
	        this.rows = this.convertValues(source["rows"], Row);
	        this.envs = this.convertValues(source["envs"], EnvTotal);
	        this.days = this.convertValues(source["days"], Day);
	        this.total = this.convertValues(source["total"], EnvTotal);
	        this.basis = source["basis"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}

export namespace launch {
	
	export class Image {
	    id: string;
	    name?: string;
	    description?: string;
	    alias?: string;
	
	    static createFrom(source: any = {}) {
	        return new Image(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.alias = source["alias"];
	    }
	}
	export class Lease {
	    ttlSeconds: number;
	    // Go type: time
	    until: any;
	    by: string;
	
	    static createFrom(source: any = {}) {
	        return new Lease(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ttlSeconds = source["ttlSeconds"];
	        this.until = this.convertValues(source["until"], null);
	        this.by = source["by"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Listed {
	    stack: string;
	    stackId: string;
	    status: string;
	    reason?: string;
	    region: string;
	    env: string;
	    template?: string;
	    launch: string;
	    launchedBy?: string;
	    // Go type: time
	    created: any;
	    instance?: string;
	    name?: string;
	    state?: string;
	    type?: string;
	    privateIp?: string;
	    dns?: string;
	    progress?: cloud.BootProgress;
	    hourly: cost.Quote;
	    leftover: boolean;
	    why?: string;
	
	    static createFrom(source: any = {}) {
	        return new Listed(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.stackId = source["stackId"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.region = source["region"];
	        this.env = source["env"];
	        this.template = source["template"];
	        this.launch = source["launch"];
	        this.launchedBy = source["launchedBy"];
	        this.created = this.convertValues(source["created"], null);
	        this.instance = source["instance"];
	        this.name = source["name"];
	        this.state = source["state"];
	        this.type = source["type"];
	        this.privateIp = source["privateIp"];
	        this.dns = source["dns"];
	        this.progress = this.convertValues(source["progress"], cloud.BootProgress);
	        this.hourly = this.convertValues(source["hourly"], cost.Quote);
	        this.leftover = source["leftover"];
	        this.why = source["why"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TokenValue {
	    name: string;
	    value: string;
	    given?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TokenValue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	        this.given = source["given"];
	    }
	}
	export class VolumeSpec {
	    sizeGiB: number;
	    type: string;
	    device: string;
	    encrypted: boolean;
	    kmsKey?: string;
	
	    static createFrom(source: any = {}) {
	        return new VolumeSpec(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sizeGiB = source["sizeGiB"];
	        this.type = source["type"];
	        this.device = source["device"];
	        this.encrypted = source["encrypted"];
	        this.kmsKey = source["kmsKey"];
	    }
	}
	export class TypePrice {
	    type: string;
	    hourly: cost.Quote;
	
	    static createFrom(source: any = {}) {
	        return new TypePrice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.hourly = this.convertValues(source["hourly"], cost.Quote);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PreviewInstance {
	    name: string;
	    stack: string;
	    launch: string;
	    dns?: string;
	    tags: Record<string, string>;
	
	    static createFrom(source: any = {}) {
	        return new PreviewInstance(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.stack = source["stack"];
	        this.launch = source["launch"];
	        this.dns = source["dns"];
	        this.tags = source["tags"];
	    }
	}
	export class Preview {
	    env: string;
	    template: string;
	    description?: string;
	    stage: string;
	    account: string;
	    region: string;
	    profile?: string;
	    caller: string;
	    instances: PreviewInstance[];
	    image: Image;
	    type: string;
	    types: TypePrice[];
	    subnet: string;
	    vpc: string;
	    zone: string;
	    securityGroups: string[];
	    keyPair?: string;
	    instanceProfile?: string;
	    volume?: VolumeSpec;
	    dnsZone?: string;
	    lease?: Lease;
	    tokens?: TokenValue[];
	    cloudformation: string;
	    userDataBytes: number;
	    timeoutSeconds: number;
	    hourly: cost.Quote;
	    volumeMonthly: cost.Money;
	    hourlyTotal: cost.Money;
	    monthlyTotal: cost.Money;
	    warnings?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Preview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.template = source["template"];
	        this.description = source["description"];
	        this.stage = source["stage"];
	        this.account = source["account"];
	        this.region = source["region"];
	        this.profile = source["profile"];
	        this.caller = source["caller"];
	        this.instances = this.convertValues(source["instances"], PreviewInstance);
	        this.image = this.convertValues(source["image"], Image);
	        this.type = source["type"];
	        this.types = this.convertValues(source["types"], TypePrice);
	        this.subnet = source["subnet"];
	        this.vpc = source["vpc"];
	        this.zone = source["zone"];
	        this.securityGroups = source["securityGroups"];
	        this.keyPair = source["keyPair"];
	        this.instanceProfile = source["instanceProfile"];
	        this.volume = this.convertValues(source["volume"], VolumeSpec);
	        this.dnsZone = source["dnsZone"];
	        this.lease = this.convertValues(source["lease"], Lease);
	        this.tokens = this.convertValues(source["tokens"], TokenValue);
	        this.cloudformation = source["cloudformation"];
	        this.userDataBytes = source["userDataBytes"];
	        this.timeoutSeconds = source["timeoutSeconds"];
	        this.hourly = this.convertValues(source["hourly"], cost.Quote);
	        this.volumeMonthly = this.convertValues(source["volumeMonthly"], cost.Money);
	        this.hourlyTotal = this.convertValues(source["hourlyTotal"], cost.Money);
	        this.monthlyTotal = this.convertValues(source["monthlyTotal"], cost.Money);
	        this.warnings = source["warnings"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class Request {
	    template: string;
	    type?: string;
	    name?: string;
	    tokens?: Record<string, string>;
	    count?: number;
	    ids?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Request(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.template = source["template"];
	        this.type = source["type"];
	        this.name = source["name"];
	        this.tokens = source["tokens"];
	        this.count = source["count"];
	        this.ids = source["ids"];
	    }
	}
	export class Target {
	    instance: cloud.Instance;
	    stack: cloud.Stack;
	
	    static createFrom(source: any = {}) {
	        return new Target(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.instance = this.convertValues(source["instance"], cloud.Instance);
	        this.stack = this.convertValues(source["stack"], cloud.Stack);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	

}

export namespace lock {
	
	export class Holder {
	    pid: number;
	    host?: string;
	    user?: string;
	    action: string;
	    client?: string;
	    // Go type: time
	    since: any;
	
	    static createFrom(source: any = {}) {
	        return new Holder(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pid = source["pid"];
	        this.host = source["host"];
	        this.user = source["user"];
	        this.action = source["action"];
	        this.client = source["client"];
	        this.since = this.convertValues(source["since"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace op {
	
	export enum Action {
	    CLEAN_UP = "clean-up",
	    DEPLOY = "deploy",
	    LAUNCH = "launch",
	    LEASE = "lease",
	    START = "start",
	    STOP = "stop",
	    TERMINATE = "terminate",
	}
	export enum EventType {
	    ACTION_SENT = "action-sent",
	    BOOT_PROGRESS = "boot-progress",
	    CHANGE_APPLIED = "change-applied",
	    CLEANUP_DONE = "cleanup-done",
	    DNS_UPDATED = "dns-updated",
	    GATE_PASSED = "gate-passed",
	    GATE_WAITING = "gate-waiting",
	    INSTANCE_STATE = "instance-state",
	    LAUNCH_DONE = "launch-done",
	    LAUNCH_FAILED = "launch-failed",
	    LAUNCH_PREVIEW = "launch-preview",
	    LAUNCH_STARTED = "launch-started",
	    NOTE = "note",
	    RUN_CANCELLED = "run-cancelled",
	    RUN_DONE = "run-done",
	    RUN_FAILED = "run-failed",
	    RUN_REFUSED = "run-refused",
	    RUN_STARTED = "run-started",
	    STACK_EVENT = "stack-event",
	    STAGE_CANCELLED = "stage-cancelled",
	    STAGE_FAILED = "stage-failed",
	    STAGE_READY = "stage-ready",
	    STAGE_SKIPPED = "stage-skipped",
	    STAGE_STARTED = "stage-started",
	}
	export enum Outcome {
	    CANCELLED = "cancelled",
	    DONE = "done",
	    FAILED = "failed",
	    INTERRUPTED = "interrupted",
	    REFUSED = "refused",
	    RUNNING = "running",
	}
	export enum StageStatus {
	    ACTIVE = "active",
	    CANCELLED = "cancelled",
	    FAILED = "failed",
	    NOT_STARTED = "not-started",
	    PENDING = "pending",
	    READY = "ready",
	    SKIPPED = "skipped",
	}
	export enum State {
	    ATTENTION = "needs attention",
	    FAILED = "failed",
	    INVALID = "invalid",
	    PARTLY = "partly running",
	    RUNNING = "running",
	    STARTING = "starting",
	    STOPPED = "stopped",
	    STOPPING = "stopping",
	    UNKNOWN = "unknown",
	}
	export class Event {
	    // Go type: time
	    time: any;
	    env: string;
	    action: Action;
	    type: EventType;
	    stage?: string;
	    instance?: string;
	    name?: string;
	    state?: string;
	    gate?: string;
	    message?: string;
	    elapsed: number;
	    stack?: string;
	    stackId?: string;
	    resource?: string;
	    resourceType?: string;
	    status?: string;
	    reason?: string;
	    percent?: number;
	
	    static createFrom(source: any = {}) {
	        return new Event(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.time = this.convertValues(source["time"], null);
	        this.env = source["env"];
	        this.action = source["action"];
	        this.type = source["type"];
	        this.stage = source["stage"];
	        this.instance = source["instance"];
	        this.name = source["name"];
	        this.state = source["state"];
	        this.gate = source["gate"];
	        this.message = source["message"];
	        this.elapsed = source["elapsed"];
	        this.stack = source["stack"];
	        this.stackId = source["stackId"];
	        this.resource = source["resource"];
	        this.resourceType = source["resourceType"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.percent = source["percent"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Failure {
	    stage?: string;
	    instance?: string;
	    name?: string;
	    gate?: string;
	    message: string;
	    leftRunning?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Failure(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stage = source["stage"];
	        this.instance = source["instance"];
	        this.name = source["name"];
	        this.gate = source["gate"];
	        this.message = source["message"];
	        this.leftRunning = source["leftRunning"];
	    }
	}
	export class Instance {
	    id: string;
	    name?: string;
	    state: string;
	
	    static createFrom(source: any = {}) {
	        return new Instance(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.state = source["state"];
	    }
	}
	export class ResourceProgress {
	    logicalId: string;
	    type?: string;
	    status: string;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new ResourceProgress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.logicalId = source["logicalId"];
	        this.type = source["type"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	    }
	}
	export class LaunchProgress {
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
	    outcome: Outcome;
	    cleanedUp?: boolean;
	    // Go type: time
	    started: any;
	    message?: string;
	
	    static createFrom(source: any = {}) {
	        return new LaunchProgress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.stackId = source["stackId"];
	        this.status = source["status"];
	        this.instance = source["instance"];
	        this.name = source["name"];
	        this.state = source["state"];
	        this.percent = source["percent"];
	        this.bootMessage = source["bootMessage"];
	        this.resources = this.convertValues(source["resources"], ResourceProgress);
	        this.reason = source["reason"];
	        this.dns = source["dns"];
	        this.outcome = source["outcome"];
	        this.cleanedUp = source["cleanedUp"];
	        this.started = this.convertValues(source["started"], null);
	        this.message = source["message"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Waiting {
	    gate: string;
	    instance?: string;
	    name?: string;
	    address?: string;
	
	    static createFrom(source: any = {}) {
	        return new Waiting(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.gate = source["gate"];
	        this.instance = source["instance"];
	        this.name = source["name"];
	        this.address = source["address"];
	    }
	}
	export class StageProgress {
	    name: string;
	    status: StageStatus;
	    state?: State;
	    instances: Instance[];
	    waiting?: Waiting;
	    passed: number;
	    total: number;
	    // Go type: time
	    started: any;
	    timeoutSeconds?: number;
	    message?: string;
	
	    static createFrom(source: any = {}) {
	        return new StageProgress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.status = source["status"];
	        this.state = source["state"];
	        this.instances = this.convertValues(source["instances"], Instance);
	        this.waiting = this.convertValues(source["waiting"], Waiting);
	        this.passed = source["passed"];
	        this.total = source["total"];
	        this.started = this.convertValues(source["started"], null);
	        this.timeoutSeconds = source["timeoutSeconds"];
	        this.message = source["message"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Progress {
	    env: string;
	    action: Action;
	    outcome: Outcome;
	    // Go type: time
	    started: any;
	    elapsed: number;
	    events: number;
	    stages: StageProgress[];
	    failure?: Failure;
	    message?: string;
	    launches?: LaunchProgress[];
	
	    static createFrom(source: any = {}) {
	        return new Progress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.action = source["action"];
	        this.outcome = source["outcome"];
	        this.started = this.convertValues(source["started"], null);
	        this.elapsed = source["elapsed"];
	        this.events = source["events"];
	        this.stages = this.convertValues(source["stages"], StageProgress);
	        this.failure = this.convertValues(source["failure"], Failure);
	        this.message = source["message"];
	        this.launches = this.convertValues(source["launches"], LaunchProgress);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	

}

export namespace orchestrate {
	
	export class Gate {
	    kind: string;
	    port?: number;
	    url?: string;
	    delaySeconds?: number;
	    command?: string[];
	    graceSeconds?: number;
	
	    static createFrom(source: any = {}) {
	        return new Gate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.port = source["port"];
	        this.url = source["url"];
	        this.delaySeconds = source["delaySeconds"];
	        this.command = source["command"];
	        this.graceSeconds = source["graceSeconds"];
	    }
	}
	export class RunbookTiming {
	    why: string;
	    runbookSeconds: number;
	    appSeconds: number;
	    notes?: string[];
	
	    static createFrom(source: any = {}) {
	        return new RunbookTiming(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.why = source["why"];
	        this.runbookSeconds = source["runbookSeconds"];
	        this.appSeconds = source["appSeconds"];
	        this.notes = source["notes"];
	    }
	}
	export class PlanCheck {
	    gate: string;
	    address: string;
	
	    static createFrom(source: any = {}) {
	        return new PlanCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.gate = source["gate"];
	        this.address = source["address"];
	    }
	}
	export class PlanInstance {
	    id: string;
	    name?: string;
	    type?: string;
	    region: string;
	    state: string;
	    stateReason?: string;
	    do: string;
	    checks: PlanCheck[];
	    sharedWith?: string[];
	
	    static createFrom(source: any = {}) {
	        return new PlanInstance(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.type = source["type"];
	        this.region = source["region"];
	        this.state = source["state"];
	        this.stateReason = source["stateReason"];
	        this.do = source["do"];
	        this.checks = this.convertValues(source["checks"], PlanCheck);
	        this.sharedWith = source["sharedWith"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PlanStage {
	    name: string;
	    after: string[];
	    instances: PlanInstance[];
	    gates: Gate[];
	    timeoutSeconds: number;
	    expectedSeconds: number;
	    expectedFrom: string;
	    expectedDoneSeconds: number;
	    settled?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PlanStage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.after = source["after"];
	        this.instances = this.convertValues(source["instances"], PlanInstance);
	        this.gates = this.convertValues(source["gates"], Gate);
	        this.timeoutSeconds = source["timeoutSeconds"];
	        this.expectedSeconds = source["expectedSeconds"];
	        this.expectedFrom = source["expectedFrom"];
	        this.expectedDoneSeconds = source["expectedDoneSeconds"];
	        this.settled = source["settled"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Plan {
	    env: string;
	    description?: string;
	    action: op.Action;
	    profile?: string;
	    region: string;
	    account?: string;
	    stages: PlanStage[];
	    expectedSeconds: number;
	    counts: Record<string, number>;
	    warnings?: string[];
	    errors?: string[];
	    summary: string;
	    caller?: string;
	    runbook?: RunbookTiming;
	
	    static createFrom(source: any = {}) {
	        return new Plan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.env = source["env"];
	        this.description = source["description"];
	        this.action = source["action"];
	        this.profile = source["profile"];
	        this.region = source["region"];
	        this.account = source["account"];
	        this.stages = this.convertValues(source["stages"], PlanStage);
	        this.expectedSeconds = source["expectedSeconds"];
	        this.counts = source["counts"];
	        this.warnings = source["warnings"];
	        this.errors = source["errors"];
	        this.summary = source["summary"];
	        this.caller = source["caller"];
	        this.runbook = this.convertValues(source["runbook"], RunbookTiming);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	

}

