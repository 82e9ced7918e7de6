import {describe, expect, it} from 'vitest';
import {control} from '../api/types';
import {deployedThreeTier, notDeployed} from '../test/inaws';
import {awsKeeps, countdownText, keptByText, leaseLength, parseLease} from './lease';
import {whoShort} from '../components/lease/WhoLine';

describe('parseLease', () => {
    it('reads lengths in days, hours and minutes, or bare hours', () => {
        expect(parseLease('90m')).toEqual({seconds: 5400});
        expect(parseLease('1h30m')).toEqual({seconds: 5400});
        expect(parseLease(' 1d 4h ')).toEqual({seconds: 100800});
        expect(parseLease('3')).toEqual({seconds: 10800});
        expect(parseLease('1.5h')).toEqual({seconds: 5400});
        expect(parseLease('1m')).toEqual({seconds: 60});
        expect(parseLease('7d')).toEqual({seconds: 604800});
    });
    it('refuses in words what the Go side would refuse', () => {
        expect(parseLease('')).toEqual({error: 'Type a length, for example 90m, 3h or 1d'});
        expect(parseLease('0m').error).toBe('A lease is at least 1 minute');
        expect(parseLease('30s').error).toMatch(/"30s" is not a length/);
        expect(parseLease('7d1m').error).toBe('A lease is at most 7 days');
        expect(parseLease('-2h').error).toMatch(/not a length/);
        expect(parseLease('2 hours').error).toMatch(/not a length/);
        expect(parseLease('h').error).toMatch(/not a length/);
    });
});

describe('lease words', () => {
    it('names who stops it at the end', () => {
        expect(keptByText('aws', 'cloudcontrol-three-tier/lease')).toBe(
            'AWS stops it at the end with the deployed stop runbook (schedule cloudcontrol-three-tier/lease), also with this app closed.',
        );
        expect(keptByText('app')).toBe('Only stopped while this app is open: with the app closed, nothing stops it.');
        expect(keptByText('')).toBe('');
    });
    it('keeps a lease in AWS only when the stop runbook is deployed', () => {
        expect(awsKeeps(deployedThreeTier())).toBe(true);
        expect(awsKeeps(notDeployed())).toBe(false);
        const startOnly = deployedThreeTier({documents: [{kind: 'start', name: 'CloudControl-three-tier-start'}]});
        expect(awsKeeps(startOnly)).toBe(false);
        expect(awsKeeps(undefined)).toBe(false);
    });
    it('counts down and says lengths plainly', () => {
        expect(countdownText(10_000 + 72 * 60e3, 10_000)).toBe('lease ends in 1h 12m');
        expect(countdownText(10_000, 10_000)).toBe('lease ended');
        expect(leaseLength(7200)).toBe('2 h');
        expect(leaseLength(5400)).toBe('1h 30m');
        expect(leaseLength(100800)).toBe('1d 4h');
    });
    it('shortens who and the lease for the sidebar, to the minute', () => {
        const now = Date.parse('2025-01-01T12:00:00Z');
        const who = control.Who.createFrom({
            startedByName: 'alice',
            startedAt: '2025-01-01T09:55:00Z',
            leaseUntil: '2025-01-01T12:12:30Z',
            leaseByName: 'bob',
        });
        expect(whoShort(who, now)).toBe('alice 2h 05m ago · lease 12 min');
        expect(whoShort(control.Who.createFrom({leaseUntil: '2025-01-01T11:00:00Z'}), now)).toBe('lease ended');
        expect(whoShort(control.Who.createFrom({startedByName: 'bob', startedAt: '2025-01-01T11:59:30Z'}), now)).toBe(
            'bob just now',
        );
        expect(whoShort(control.Who.createFrom({}), now)).toBe('');
        expect(whoShort(undefined, now)).toBe('');
    });
});
