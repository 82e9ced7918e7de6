// Launch answers as the Go side gives them (app/desktop/API.md, "Launches"): three-tier's api-node template.
import {
    control,
    cost,
    launch,
    op,
    type LaunchPreview,
    type LaunchTemplates,
    type Listed,
    type TerminateTarget,
} from '../api/types';

const quote = (usd: number) =>
    cost.Quote.createFrom({usd, unit: 'hour', known: true, source: 'built-in table', asOf: '2025-05-28T00:00:00Z'});
const money = (usd: number) => cost.Money.createFrom({usd, any: true});
const target = {
    profile: 'testing',
    region: 'eu-west-1',
    identity: {account: '123456789012', arn: 'arn:aws:iam::123456789012:user/tester'},
};

export function apiNodeTemplates(over: object = {}): LaunchTemplates {
    return control.LaunchTemplates.createFrom({
        env: 'three-tier',
        target,
        templates: [
            {
                name: 'api-node',
                description: 'Another API node (Amazon Linux 2023), joining the api stage',
                stage: 'app',
                ami: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
                types: [
                    {type: 't3.medium', hourly: quote(0.0416)},
                    {type: 't3.large', hourly: quote(0.0832)},
                ],
                tokens: [
                    {name: 'BRANCH', value: 'main'},
                    {name: 'SEED', value: ''},
                ],
                volume: {size: 20, type: 'gp3'},
                ttlSeconds: 8 * 3600,
                dnsZone: 'test.example.com',
                timeoutSeconds: 1200,
            },
            {
                name: 'worker',
                description: 'A batch worker',
                stage: 'app',
                ami: 'ami-0123456789abcdef0',
                types: [{type: 't3.micro', hourly: quote(0.0104)}],
                tokens: [],
                timeoutSeconds: 600,
                problem: 'its user-data file launch/worker.sh does not exist',
            },
        ],
        ...over,
    });
}

export function apiNodePreview(over: Partial<LaunchPreview> = {}): LaunchPreview {
    return launch.Preview.createFrom({
        env: 'three-tier',
        template: 'api-node',
        description: 'Another API node (Amazon Linux 2023), joining the api stage',
        stage: 'app',
        account: '123456789012',
        region: 'eu-west-1',
        profile: 'testing',
        caller: 'arn:aws:iam::123456789012:user/tester',
        instances: [
            {
                name: 'api-node-1',
                stack: 'cc-three-tier-api-node-1',
                launch: 'l-7f3a9c',
                dns: 'api-node-1.shop.test.example.com',
                tags: {'cloudcontrol:launch': 'l-7f3a9c'},
            },
        ],
        image: {
            id: 'ami-0aa1b2c3d4e5f6789',
            name: 'al2023-ami-2023.6',
            alias: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        },
        type: 't3.medium',
        types: [{type: 't3.medium', hourly: quote(0.0416)}],
        subnet: 'subnet-0e1a0000000000001',
        vpc: 'vpc-0e1a0000000000001',
        zone: 'eu-west-1a',
        securityGroups: ['sg-0e1a0000000000001'],
        keyPair: 'testers',
        volume: {sizeGiB: 20, type: 'gp3', device: '/dev/xvda', encrypted: false},
        dnsZone: 'test.example.com',
        lease: {ttlSeconds: 8 * 3600, until: '2025-01-01T18:00:00Z', by: 'tester'},
        tokens: [
            {name: 'BRANCH', value: 'feature-x', given: true},
            {name: 'SEED', value: '42', given: true},
        ],
        cloudformation: 'built-in',
        userDataBytes: 2048,
        timeoutSeconds: 1200,
        hourly: quote(0.0416),
        volumeMonthly: money(1.76),
        hourlyTotal: money(0.044),
        monthlyTotal: money(32.13),
        warnings: ['the type t3.medium has no price in the cache older than 90 days'],
        ...over,
    });
}

/** The launched api-node-1 as the dashboard shows it (its cloudcontrol:launch tag, DNS name, boot progress). */
export function launchedInstance(over: object = {}) {
    return {
        id: 'i-0a9f1',
        name: 'api-node-1',
        state: 'running',
        type: 't3.medium',
        region: 'eu-west-1',
        az: 'eu-west-1a',
        privateIp: '10.0.0.77',
        launchTime: '2025-01-01T10:00:00Z',
        launch: 'l-7f3a9c',
        dnsName: 'api-node-1.shop.test.example.com',
        progress: {percent: 40, message: 'installing packages'},
        tags: {'cloudcontrol:launch': 'l-7f3a9c', 'aws:cloudformation:stack-name': 'cc-three-tier-api-node-1'},
        ...over,
    };
}

export function terminateTarget(): TerminateTarget {
    return launch.Target.createFrom({
        instance: launchedInstance(),
        stack: {
            id: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cc-three-tier-api-node-1/1',
            name: 'cc-three-tier-api-node-1',
            status: 'CREATE_COMPLETE',
        },
    });
}

export function listed(over: Partial<Listed> = {}): Listed {
    return launch.Listed.createFrom({
        stack: 'cc-three-tier-api-node-1',
        stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cc-three-tier-api-node-1/1',
        status: 'CREATE_COMPLETE',
        region: 'eu-west-1',
        env: 'three-tier',
        template: 'api-node',
        launch: 'l-7f3a9c',
        launchedBy: 'arn:aws:iam::123456789012:user/tester',
        created: '2025-01-01T10:00:00Z',
        instance: 'i-0a9f1',
        name: 'api-node-1',
        state: 'running',
        type: 't3.medium',
        privateIp: '10.0.0.77',
        dns: 'api-node-1.shop.test.example.com',
        hourly: quote(0.0416),
        leftover: false,
        ...over,
    });
}

export function leftover(over: Partial<Listed> = {}): Listed {
    return listed({
        stack: 'cc-shop-api-node-3',
        stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cc-shop-api-node-3/3',
        status: 'ROLLBACK_COMPLETE',
        env: 'shop',
        launch: 'l-00dead',
        name: 'api-node-3',
        instance: undefined,
        state: undefined,
        dns: undefined,
        privateIp: undefined,
        leftover: true,
        why: 'its launch failed and the stack was not deleted (ROLLBACK_COMPLETE)',
        ...over,
    });
}

/** A launch's progress as the Go side folds it (op.Progress with launches). */
export function launchProgress(stack: object = {}, over: object = {}) {
    return {
        env: 'three-tier',
        action: op.Action.LAUNCH,
        outcome: op.Outcome.RUNNING,
        started: '2025-01-01T10:00:00Z',
        elapsed: 12,
        events: 5,
        stages: [],
        launches: [
            {
                stack: 'cc-three-tier-api-node-1',
                stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cc-three-tier-api-node-1/1',
                status: 'CREATE_IN_PROGRESS',
                name: 'api-node-1',
                resources: [
                    {logicalId: 'Volume', type: 'AWS::EC2::Volume', status: 'CREATE_COMPLETE'},
                    {logicalId: 'Instance', type: 'AWS::EC2::Instance', status: 'CREATE_IN_PROGRESS'},
                ],
                outcome: op.Outcome.RUNNING,
                started: '2025-01-01T10:00:00Z',
                ...stack,
            },
        ],
        ...over,
    };
}
