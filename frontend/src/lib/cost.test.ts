import {describe, expect, it} from 'vitest';
import {formatHours, reportHours, reportMoney} from './cost';

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
        expect(reportMoney({usd: 150.37, any: true} as never)).toBe('$150.37');
        expect(reportMoney({usd: 0.0043, any: true} as never)).toBe('$0.0043');
        expect(reportMoney({usd: 2.5, unknown: ['x9.huge in eu-west-1'], any: true} as never)).toBe('$2.50 + unknown');
        expect(reportHours(0.04)).toBe('0.04');
    });
});
