import {Badge} from '@mantine/core';

// Overall environment states (control.State*) plus "invalid" for a broken
// file and "unknown" before the first status arrives or when AWS is out of reach.
const colors: Record<string, string> = {
    stopped: 'gray',
    starting: 'blue',
    running: 'green',
    'partly running': 'yellow',
    stopping: 'orange',
    failed: 'red',
    invalid: 'grape',
    unknown: 'gray',
    // EC2 instance states, for the table.
    pending: 'blue',
    'shutting-down': 'red',
    terminated: 'dark',
};

export const stateLabel = (state: string) => (state === 'invalid' ? 'invalid file' : state || 'unknown');

export function StateBadge({state, size = 'sm'}: {state: string; size?: 'xs' | 'sm' | 'md'}) {
    const s = state || 'unknown';
    return (
        <Badge
            color={colors[s] ?? 'gray'}
            variant={s === 'unknown' ? 'outline' : 'light'}
            size={size}
            data-state={s}
            data-testid="state-badge"
        >
            {stateLabel(s)}
        </Badge>
    );
}
