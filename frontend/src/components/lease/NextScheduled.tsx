import {Text} from '@mantine/core';
import {useDeployed} from '../../state/useLease';
import {when} from '../../lib/lease';

/** The next scheduled start and stop in AWS, once what is deployed has been read (nothing before). */
export function NextScheduled({env}: {env: string}) {
    const {deployment: d} = useDeployed(env);
    if (!d?.deployed) return null;
    const parts = [
        d.nextStart ? `next start ${when(d.nextStart)}` : '',
        d.nextStop ? `next stop ${when(d.nextStop)}` : '',
        d.lease?.next ? `lease stop ${when(d.lease.next)}` : '',
    ].filter(Boolean);
    if (parts.length === 0) return null;
    return (
        <Text size="xs" c="dimmed" data-testid="next-scheduled">
            In AWS: {parts.join(' · ')}
        </Text>
    );
}
