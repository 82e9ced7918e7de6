import type {InstanceRow} from '../components/InstanceTable';

const states = ['running', 'stopped', 'pending', 'stopping'];

/** n instances over a few stages, deterministic, for table and performance tests. */
export function manyInstances(n: number, launched = '2025-01-01T00:00:00Z'): InstanceRow[] {
    return Array.from({length: n}, (_, i) => ({
        id: `i-${i.toString(16).padStart(17, '0')}`,
        region: 'eu-west-1',
        name: `web-${String(i).padStart(4, '0')}`,
        type: i % 3 === 0 ? 't3.large' : 't3.micro',
        state: states[i % states.length],
        az: i % 2 ? 'eu-west-1a' : 'eu-west-1b',
        privateIp: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        publicIp: i % 5 === 0 ? `54.1.${Math.floor(i / 250)}.${(i % 250) + 1}` : '',
        launchTime: launched,
        stateChanged: '',
        tags: {Role: i % 2 ? 'app' : 'web'},
        stage: `stage-${Math.floor(i / 250)}`,
    }));
}
