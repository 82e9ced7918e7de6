import {describe, expect, it} from 'vitest';
import {DEFAULT_THEME} from '@mantine/core';
import {contrast, over} from './contrast';
import {readableOnDark, readableOnLight} from '../theme';
import {stateTones} from '../components/StateBadge';

const white = '#ffffff';
const darkBody = DEFAULT_THEME.colors.dark[7];

// Text and badges read at 4.5:1 at least (WCAG AA), light and dark.
describe('the palette', () => {
    it('keeps coloured text readable on its own tint, in both schemes', () => {
        for (const [name, shades] of Object.entries(DEFAULT_THEME.colors)) {
            const lightTint = over(shades[6], 0.1, white);
            const darkTint = over(shades[8], 0.15, darkBody);
            expect(contrast(readableOnLight[name], lightTint), `${name} on its light tint`).toBeGreaterThanOrEqual(4.5);
            expect(contrast(readableOnLight[name], white), `${name} on white`).toBeGreaterThanOrEqual(4.5);
            expect(contrast(readableOnDark[name], darkTint), `${name} on its dark tint`).toBeGreaterThanOrEqual(4.5);
        }
    });

    it('gives every state badge 4.5:1, light and dark', () => {
        for (const [state, tone] of Object.entries(stateTones)) {
            expect(contrast(tone.light.fg, tone.light.bg), `${state} light`).toBeGreaterThanOrEqual(4.5);
            expect(contrast(tone.dark.fg, tone.dark.bg), `${state} dark`).toBeGreaterThanOrEqual(4.5);
        }
    });

    it('keeps dimmed text readable', () => {
        expect(contrast(DEFAULT_THEME.colors.gray[7], white)).toBeGreaterThanOrEqual(4.5);
        expect(contrast(DEFAULT_THEME.colors.dark[1], darkBody)).toBeGreaterThanOrEqual(4.5);
        expect(contrast(DEFAULT_THEME.colors.dark[1], DEFAULT_THEME.colors.dark[6])).toBeGreaterThanOrEqual(4.5);
    });
});
