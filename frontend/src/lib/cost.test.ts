import {describe, expect, it} from 'vitest';
import {formatHours} from './cost';

describe('formatHours', () => {
    it('rounds what the overnight and weekend windows print', () => {
        expect(formatHours(0.8048963541455556)).toBe('0.8 h');
        expect(formatHours(15)).toBe('15 h');
        expect(formatHours(62.99)).toBe('63 h');
        expect(formatHours(9.96)).toBe('10 h');
    });
});
