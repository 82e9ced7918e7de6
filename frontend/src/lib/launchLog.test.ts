import {describe, expect, it} from 'vitest';
import {op} from '../api/types';
import {logLine} from './log';

const ev = (type: string, over: object = {}) => ({
    env: 'three-tier',
    action: op.Action.LAUNCH,
    elapsed: 1,
    type: type as op.EventType,
    ...over,
});

describe("a launch's activity log", () => {
    it('words each launch event as the command line does', () => {
        const stack = 'cc-three-tier-api-node-1';
        expect(
            logLine(
                ev('stack-event', {
                    stack,
                    resource: 'Instance',
                    resourceType: 'AWS::EC2::Instance',
                    status: 'CREATE_FAILED',
                    reason: 'no such image',
                }),
            ),
        ).toBe('cc-three-tier-api-node-1 Instance (AWS::EC2::Instance) CREATE_FAILED: no such image');
        expect(logLine(ev('stack-event', {stack, status: 'CREATE_IN_PROGRESS'}))).toBe(
            'cc-three-tier-api-node-1 CREATE_IN_PROGRESS',
        );
        expect(
            logLine(ev('boot-progress', {stack, name: 'api-node-1', percent: 50, message: 'checking out main'})),
        ).toBe('api-node-1 boot 50% checking out main');
        expect(logLine(ev('instance-state', {stack, instance: 'i-0a9f1', name: 'api-node-1', state: 'running'}))).toBe(
            'api-node-1 (i-0a9f1) is running',
        );
        expect(
            logLine(
                ev('dns-updated', {stack, status: 'UPSERT', message: 'api-node-1.shop.test.example.com A 10.20.1.7'}),
            ),
        ).toBe('DNS upsert api-node-1.shop.test.example.com A 10.20.1.7');
        expect(
            logLine(
                ev('launch-failed', {
                    stack,
                    name: 'api-node-1',
                    reason: 'Instance: no such image',
                    message: 'deleting its stack',
                }),
            ),
        ).toBe('api-node-1 FAILED: Instance: no such image (deleting its stack)');
    });

    it("leaves a start's instance-state to the start's wording", () => {
        expect(
            logLine(
                ev('instance-state', {instance: 'i-0db1', name: 'shop-db', state: 'running', action: op.Action.START}),
            ),
        ).toBe('shop-db (i-0db1) is running');
    });
});
