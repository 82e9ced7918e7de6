import {control, desktop, history, op} from '../api/types';

const quote = (usd: number, known = true, extra: object = {}) => ({
    usd,
    unit: 'hour',
    known,
    source: known ? 'built-in table' : '',
    asOf: known ? '2025-05-28T00:00:00Z' : '0001-01-01T00:00:00Z',
    ...extra,
});
const m = (usd: number, unknown?: string[], any = true) => ({usd, unknown, any});

/** three-tier priced: four t3.micro known, one x9.huge nobody prices. */
export function threeTierCost(over: object = {}) {
    return control.CostReport.createFrom({
        target: {region: 'eu-west-1', identity: {account: '123456789012', arn: ''}},
        refresh: {fetched: 0, fresh: 5},
        estimate: {
            env: 'three-tier',
            at: '2026-11-02T12:00:00Z',
            instances: [
                {
                    id: 'i-0db1',
                    name: 'shop-db',
                    region: 'eu-west-1',
                    type: 't3.micro',
                    state: 'stopped',
                    hourly: quote(0.0114),
                    hourlyWhileRunning: m(0.0114),
                    runSoFar: m(0),
                    stoppedMonthly: m(0.8),
                },
                {
                    id: 'i-0we1',
                    name: 'shop-web',
                    region: 'eu-west-1',
                    type: 'x9.huge',
                    state: 'running',
                    hourly: quote(0, false, {note: 'x9.huge is not in the price table'}),
                    hourlyWhileRunning: m(0, ['shop-web (x9.huge in eu-west-1)'], false),
                    runSoFar: m(0, ['shop-web (x9.huge in eu-west-1)'], false),
                    stoppedMonthly: m(0.8),
                },
            ],
            hourlyWhileRunning: m(0.0456, ['shop-web (x9.huge in eu-west-1)']),
            hourlyNow: m(0, ['shop-web (x9.huge in eu-west-1)'], false),
            runSoFar: m(0, ['shop-web (x9.huge in eu-west-1)'], false),
            runSince: '2026-11-02T09:00:00Z',
            overnight: {from: '', to: '', hours: 15, cost: m(0.684, ['shop-web (x9.huge in eu-west-1)'])},
            weekend: {from: '', to: '', hours: 63, cost: m(2.87, ['shop-web (x9.huge in eu-west-1)'])},
            stoppedMonthly: m(4),
            definitions: ['Overnight: 18:00 to 09:00 local time.'],
            ...over,
        },
    });
}

export function novemberReport() {
    return history.Report.createFrom({
        query: {env: '', from: '2026-11-01T00:00:00Z', to: '2026-11-04T00:00:00Z', now: '2026-11-03T12:00:00Z'},
        rows: [
            {
                env: 'three-tier',
                instance: 'i-0db1',
                name: 'shop-db',
                region: 'eu-west-1',
                type: 't3.micro',
                runs: 2,
                hours: 10,
                price: quote(0.0114),
                cost: m(0.114),
            },
            {
                env: 'analytics',
                instance: 'i-0an1',
                name: '',
                region: 'us-east-1',
                type: 'x9.huge',
                runs: 1,
                hours: 3,
                price: quote(0, false),
                cost: m(0, ['i-0an1 (x9.huge in us-east-1)'], false),
            },
        ],
        envs: [
            {env: 'analytics', hours: 3, cost: m(0, ['i-0an1 (x9.huge in us-east-1)'], false)},
            {env: 'three-tier', hours: 10, cost: m(0.114)},
        ],
        days: [
            {date: '2026-11-01', hours: 0, cost: m(0)},
            {date: '2026-11-02', hours: 8, cost: m(0.0912)},
            {date: '2026-11-03', hours: 5, cost: m(0.0228, ['i-0an1 (x9.huge in us-east-1)'])},
        ],
        total: {env: '', hours: 13, cost: m(0.114, ['i-0an1 (x9.huge in us-east-1)'])},
        basis: 'Hours: from launch to stop.',
    });
}

export function profileList(over: object = {}) {
    return desktop.ProfileList.createFrom({
        active: 'work',
        region: '',
        profiles: [
            {
                name: 'default',
                kind: 'static-keys-plaintext',
                region: 'us-east-1',
                plaintext: true,
                source: '/home/t/.aws/credentials',
            },
            {
                name: 'dev',
                kind: 'sso',
                region: 'eu-west-1',
                ssoStartUrl: 'https://start.example',
                source: '/home/t/.aws/config',
            },
            {
                name: 'work',
                kind: 'keychain',
                region: 'eu-west-1',
                keyIdSuffix: 'WXYZ',
                mfaSerial: 'arn:aws:iam::123456789012:mfa/me',
                source: 'keychain',
                account: '123456789012',
                arn: 'arn:aws:iam::123456789012:user/me',
                sessionExpires: '2026-11-02T18:00:00Z',
            },
        ],
        ...over,
    });
}

/** Two operations: a start from the window that is done, and bob's stop from the tray. */
export function novemberOperations() {
    return [
        history.OperationRow.createFrom({
            id: 2,
            env: 'three-tier',
            action: 'stop',
            who: 'bob as arn:aws:iam::123456789012:user/bob',
            client: 'tray',
            account: '123456789012',
            region: 'eu-west-1',
            started: '2026-11-03T18:30:00Z',
            finished: '2026-11-03T18:31:05Z',
            result: 'done',
            events: 2,
        }),
        history.OperationRow.createFrom({
            id: 1,
            env: 'three-tier',
            action: 'start',
            who: 'alice',
            client: 'window',
            started: '2026-11-03T08:00:00Z',
            result: 'interrupted',
            finished: '2026-11-03T08:00:40Z',
            message: 'the program running it ended before it finished; its events up to then are kept',
            events: 5,
        }),
    ];
}

export function novemberStopEvents() {
    const base = {env: 'three-tier', action: op.Action.STOP, elapsed: 0};
    return [
        op.Event.createFrom({
            ...base,
            time: '2026-11-03T18:30:00Z',
            type: op.EventType.RUN_STARTED,
            message: 'stop three-tier: 4 stage(s)',
        }),
        op.Event.createFrom({...base, time: '2026-11-03T18:31:05Z', type: op.EventType.STAGE_READY, stage: 'web'}),
    ];
}
