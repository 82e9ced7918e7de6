// What is deployed in AWS and lease answers, as the Go side sends them (control.Deployment, control.LeaseResult).
import {control, type Deployment, type LeaseResult} from '../api/types';

/** three-tier's runbooks and its start/stop schedules, deployed in eu-west-1; a lease schedule when leaseAt is given. */
export function deployedThreeTier(over: object = {}, leaseAt?: string): Deployment {
    const lease = leaseAt
        ? {
              name: 'lease',
              expression: `at(${leaseAt.slice(0, 19)})`,
              timezone: 'UTC',
              state: 'ENABLED',
              next: leaseAt,
              runs: [leaseAt],
              document: 'CloudControl-three-tier-stop',
              ours: true,
          }
        : undefined;
    return control.Deployment.createFrom({
        env: 'three-tier',
        region: 'eu-west-1',
        deployed: true,
        documents: [
            {kind: 'start', name: 'CloudControl-three-tier-start', version: '2', latestVersion: '2'},
            {kind: 'stop', name: 'CloudControl-three-tier-stop', version: '1', latestVersion: '3', changedInAws: true},
        ],
        group: 'cloudcontrol-three-tier',
        schedules: [
            {
                name: 'start',
                expression: 'cron(0 7 ? * MON-FRI *)',
                timezone: 'Europe/Berlin',
                state: 'ENABLED',
                describe: 'at 07:00, Monday to Friday',
                next: '2025-01-06T06:00:00Z',
                runs: ['2025-01-06T06:00:00Z', '2025-01-07T06:00:00Z'],
                document: 'CloudControl-three-tier-start',
                ours: true,
            },
            {
                name: 'stop',
                expression: 'cron(0 19 ? * MON-FRI *)',
                timezone: 'Europe/Berlin',
                state: 'DISABLED',
                document: 'CloudControl-three-tier-stop',
                ours: true,
            },
            ...(lease ? [lease] : []),
        ],
        checked: '2025-01-01T10:00:00Z',
        nextStart: '2025-01-06T06:00:00Z',
        lease,
        ...over,
    });
}

/** Nothing of env deployed. */
export function notDeployed(env = 'three-tier'): Deployment {
    return control.Deployment.createFrom({
        env,
        region: 'eu-west-1',
        deployed: false,
        documents: [],
        group: `cloudcontrol-${env}`,
        schedules: [],
        checked: '2025-01-01T10:00:00Z',
    });
}

/** A lease kept by AWS (the deployed stop runbook's at() schedule), set by me. */
export function leaseResult(over: object = {}): LeaseResult {
    return control.LeaseResult.createFrom({
        env: 'three-tier',
        until: '2025-01-01T12:00:00Z',
        by: 'arn:aws:iam::123456789012:user/me',
        byName: 'me',
        instances: ['i-0db1', 'i-0ca1', 'i-0ap1', 'i-0ap2', 'i-0we1'],
        keptBy: 'aws',
        schedule: 'cloudcontrol-three-tier/lease',
        message: 'three-tier is leased until 12:00 by me',
        ...over,
    });
}
