import {describe, expect, it} from 'vitest';
import {formatHours, money, reportHours, usd} from './cost';

describe('usd', () => {
    it('writes every amount by one rule: cents, four decimals below a cent, never $0.0000', () => {
        const cases: [number, string][] = [
            [0, '$0.00'],
            [0.00001, '$0.00'],
            [0.00049, '$0.0005'],
            [0.0096, '$0.0096'],
            [0.275, '$0.28'],
            [12.345, '$12.35'],
            [1234.5, '$1,234.50'],
            [-0.5, '-$0.50'],
        ];
        for (const [v, want] of cases) expect(usd(v), String(v)).toBe(want);
    });
});

describe('formatHours', () => {
    it('rounds what the overnight and weekend windows print', () => {
        expect(formatHours(0.8048963541455556)).toBe('0.8 h');
        expect(formatHours(15)).toBe('15 h');
        expect(formatHours(62.99)).toBe('63 h');
        expect(formatHours(9.96)).toBe('10 h');
    });
});

describe('report figures', () => {
    it('show money to the cent at any size and hours to 0.01 h, as the report rounds them', () => {
        expect(money({usd: 150.37, any: true} as never)).toBe('$150.37');
        expect(money({usd: 0.0043, any: true} as never)).toBe('$0.0043');
        expect(money({usd: 2.5, unknown: ['x9.huge in eu-west-1'], any: true} as never)).toBe('$2.50 + unknown');
        expect(reportHours(0.04)).toBe('0.04');
    });
});
