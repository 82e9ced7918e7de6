import {Alert, Button, Group, Text} from '@mantine/core';
import type {Listed} from '../../api/types';

/** The leftovers found (at the app's start, or by a listing): a notice that opens the Launches view. */
export function LeftoversNotice({leftovers, onOpen}: {leftovers: Listed[]; onOpen: () => void}) {
    if (leftovers.length === 0) return null;
    const n = leftovers.length;
    return (
        <Alert color="orange" variant="light" py={6} mb="sm" data-testid="leftovers-notice" role="status">
            <Group justify="space-between" wrap="nowrap" gap="sm">
                <Text size="sm">
                    {n} launch{n === 1 ? '' : 'es'} left behind: {leftovers.map((l) => l.stack).join(', ')}
                </Text>
                <Button size="compact-sm" variant="default" onClick={onOpen}>
                    Open Launches to clean up
                </Button>
            </Group>
        </Alert>
    );
}
