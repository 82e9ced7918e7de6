import {desktop, orchestrate, type EnvView, type Overview, type Plan} from '../api/types';

const inst = (id: string, name: string, state = 'stopped', extra: object = {}) => ({
    id,
    name,
    state,
    type: 't3.micro',
    region: 'eu-west-1',
    az: 'eu-west-1a',
    privateIp: '10.0.0.' + id.slice(-1),
    launchTime: '2025-01-01T00:00:00Z',
    ...extra,
});

/** The three-tier example: database, then cache and app (both after database), then web. */
export function threeTier(over: object = {}): EnvView {
    return desktop.EnvView.createFrom({
        name: 'three-tier',
        file: '/envs/three-tier.yaml',
        description: 'Shop: db, cache, app, web',
        region: 'eu-west-1',
        profile: '',
        account: '123456789012',
        state: 'stopped',
        instanceState: 'partly running',
        live: true,
        checkedAt: '2025-01-01T10:00:00Z',
        error: '',
        usable: true,
        problems: [],
        stages: [
            {
                name: 'database',
                after: [],
                gates: [{kind: 'running'}, {kind: 'tcp', port: 5432}],
                state: 'stopped',
                instances: [inst('i-0db1', 'shop-db')],
            },
            {
                name: 'cache',
                after: ['database'],
                gates: [{kind: 'running'}],
                state: 'stopped',
                instances: [inst('i-0ca1', 'shop-cache')],
            },
            {
                name: 'app',
                after: ['database'],
                gates: [{kind: 'running'}, {kind: 'http', url: 'http://{{.PrivateIP}}:8080/health'}],
                state: 'stopped',
                instances: [inst('i-0ap1', 'shop-app-1'), inst('i-0ap2', 'shop-app-2')],
            },
            {
                name: 'web',
                after: ['cache', 'app'],
                gates: [{kind: 'running'}, {kind: 'delay', delaySeconds: 5}],
                state: 'stopped',
                instances: [inst('i-0we1', 'shop-web', 'running', {publicIp: '54.0.0.1'})],
            },
        ],
        ...over,
    });
}

export function env(name: string, state: string, over: object = {}): EnvView {
    return desktop.EnvView.createFrom({
        name,
        file: `/envs/${name}.yaml`,
        description: '',
        region: 'eu-west-1',
        profile: '',
        account: '123456789012',
        state,
        instanceState: state,
        live: true,
        checkedAt: '',
        error: '',
        usable: state !== 'invalid',
        problems: [],
        stages: [],
        ...over,
    });
}

export function overview(envs: EnvView[], over: object = {}): Overview {
    return desktop.Overview.createFrom({
        sandbox: false,
        sandboxUrl: '',
        trayAvailable: false,
        folders: ['/envs'],
        environments: envs,
        ...over,
    });
}

export function startPlan(): Plan {
    return orchestrate.Plan.createFrom({
        env: 'three-tier',
        action: 'start',
        region: 'eu-west-1',
        account: '123456789012',
        profile: 'testing',
        caller: 'arn:aws:iam::123456789012:user/tester',
        summary: '4 to start, 1 already running',
        expectedSeconds: 245,
        counts: {start: 4, 'already-running': 1},
        warnings: [],
        stages: [
            {
                name: 'database',
                after: [],
                gates: [{kind: 'running'}, {kind: 'tcp', port: 5432}],
                timeoutSeconds: 900,
                expectedSeconds: 60,
                expectedFrom: 'last run',
                expectedDoneSeconds: 60,
                instances: [
                    {
                        id: 'i-0db1',
                        name: 'shop-db',
                        type: 't3.micro',
                        region: 'eu-west-1',
                        state: 'stopped',
                        do: 'start',
                        checks: [
                            {gate: 'running', address: ''},
                            {gate: 'tcp 5432', address: '10.0.0.1:5432'},
                        ],
                    },
                ],
            },
            {
                name: 'cache',
                after: ['database'],
                gates: [{kind: 'running'}],
                timeoutSeconds: 900,
                expectedSeconds: 45,
                expectedDoneSeconds: 105,
                instances: [
                    {
                        id: 'i-0ca1',
                        name: 'shop-cache',
                        type: 't3.micro',
                        region: 'eu-west-1',
                        state: 'stopped',
                        do: 'start',
                    },
                ],
            },
            {
                name: 'app',
                after: ['database'],
                gates: [{kind: 'running'}, {kind: 'http', url: 'http://{{.PrivateIP}}:8080/health'}],
                timeoutSeconds: 900,
                expectedSeconds: 90,
                expectedDoneSeconds: 150,
                instances: [
                    {
                        id: 'i-0ap1',
                        name: 'shop-app-1',
                        type: 't3.micro',
                        region: 'eu-west-1',
                        state: 'stopped',
                        do: 'start',
                        checks: [
                            {gate: 'running', address: ''},
                            {gate: 'http http://{{.PrivateIP}}:8080/health', address: 'http://10.0.0.2:8080/health'},
                        ],
                    },
                    {
                        id: 'i-0ap2',
                        name: 'shop-app-2',
                        type: 't3.micro',
                        region: 'eu-west-1',
                        state: 'stopped',
                        do: 'start',
                        checks: [
                            {gate: 'running', address: ''},
                            {gate: 'http http://{{.PrivateIP}}:8080/health', address: 'http://10.0.0.3:8080/health'},
                        ],
                    },
                ],
            },
            {
                name: 'web',
                after: ['cache', 'app'],
                gates: [{kind: 'running'}, {kind: 'delay', delaySeconds: 5}],
                timeoutSeconds: 900,
                expectedSeconds: 95,
                expectedDoneSeconds: 245,
                instances: [
                    {
                        id: 'i-0we1',
                        name: 'shop-web',
                        type: 't3.micro',
                        region: 'eu-west-1',
                        state: 'running',
                        do: 'already-running',
                    },
                ],
            },
        ],
    });
}
