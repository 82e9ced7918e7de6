export namespace desktop {
	
	export class EnvSummary {
	    name: string;
	    file: string;
	    description: string;
	    region: string;
	    stages: string[];
	    problems: string[];
	
	    static createFrom(source: any = {}) {
	        return new EnvSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.file = source["file"];
	        this.description = source["description"];
	        this.region = source["region"];
	        this.stages = source["stages"];
	        this.problems = source["problems"];
	    }
	}
	export class Overview {
	    sandbox: boolean;
	    sandboxUrl: string;
	    environments: EnvSummary[];
	
	    static createFrom(source: any = {}) {
	        return new Overview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sandbox = source["sandbox"];
	        this.sandboxUrl = source["sandboxUrl"];
	        this.environments = this.convertValues(source["environments"], EnvSummary);
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

