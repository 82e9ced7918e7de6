import type {CSSProperties} from 'react';
import {Badge} from '@mantine/core';
import classes from './StateBadge.module.css';

interface Tone {
    light: {bg: string; fg: string};
    dark: {bg: string; fg: string};
}

const tone = (lbg: string, lfg: string, dbg: string, dfg: string): Tone => ({
    light: {bg: lbg, fg: lfg},
    dark: {bg: dbg, fg: dfg},
});

const neutral = tone('#e9ecef', '#343a40', '#373a40', '#dee2e6');
const moving = tone('#d0ebff', '#0c4a86', '#1b3a57', '#a5d8ff');
const up = tone('#d3f9d8', '#1b5e28', '#1d3b25', '#b2f2bb');
const partly = tone('#fff3bf', '#6b4000', '#3d3419', '#ffec99');
const down = tone('#ffe8cc', '#7c2d06', '#422a17', '#ffd8a8');
// Something went wrong: solid, readable from across the room.
const wrong = tone('#c92a2a', '#ffffff', '#c92a2a', '#ffffff');

/**
 * Each state's badge colours, light and dark, every pair at 4.5:1 or more
 * (lib/palette.test.ts): environment states as control.StateOf decides
 * them, and EC2's instance states for the tables.
 */
export const stateTones: Record<string, Tone> = {
    stopped: neutral,
    starting: moving,
    running: up,
    'partly running': partly,
    stopping: down,
    failed: wrong,
    'needs attention': wrong,
    invalid: tone('#f3d9fa', '#6b1f7d', '#3b2342', '#eebefa'),
    unknown: tone('#ffffff', '#495057', '#242424', '#ced4da'),
    pending: moving,
    'shutting-down': down,
    terminated: tone('#343a40', '#ffffff', '#141414', '#dee2e6'),
    // A stage's run words (op.StageStatus) where no state word applies.
    'not started': neutral,
    cancelled: neutral,
    skipped: neutral,
    waiting: neutral,
};

export const stateLabel = (state: string) => (state === 'invalid' ? 'invalid file' : state || 'unknown');

type Size = 'xs' | 'sm' | 'md' | 'lg';

/** A state as a badge: its word, in its colours. */
export function StateBadge({state, size = 'sm'}: {state: string; size?: Size}) {
    const s = state || 'unknown';
    const t = stateTones[s] ?? neutral;
    // Mantine sets the badge's colours as inline variables; these come after, so they win.
    const vars = {
        '--state-bg-light': t.light.bg,
        '--state-fg-light': t.light.fg,
        '--state-bg-dark': t.dark.bg,
        '--state-fg-dark': t.dark.fg,
        '--badge-bg': 'var(--state-bg)',
        '--badge-color': 'var(--state-fg)',
    } as CSSProperties;
    return (
        <Badge
            size={size}
            variant="filled"
            className={classes.badge}
            style={vars}
            data-state={s}
            data-outline={s === 'unknown' || undefined}
            data-testid="state-badge"
        >
            {stateLabel(s)}
        </Badge>
    );
}
