import {Group, Loader, NativeSelect, Text, Tooltip} from '@mantine/core';
import type {ProfileList} from '../api/types';
import {regions} from '../lib/regions';

interface Props {
    list?: ProfileList;
    account: string;
    accountError?: string;
    switching: boolean;
    onUse: (profile: string, region: string) => void;
}

const selectable = (kind: string) => kind !== 'sso-session' && kind !== 'env';

/** The active profile and region of every front end, switched from the header, with the account they reach. */
export function ProfileSwitcher({list, account, accountError, switching, onUse}: Props) {
    if (!list) return null;
    const active = list.active || 'default';
    const names = list.profiles.filter((p) => selectable(p.kind)).map((p) => p.name);
    if (!names.includes(active)) names.unshift(active);
    const regionList = list.region && !regions.includes(list.region) ? [list.region, ...regions] : regions;
    return (
        <Group gap={6} wrap="nowrap">
            <NativeSelect
                aria-label="Active profile"
                size="xs"
                w={130}
                value={active}
                disabled={switching}
                // A new profile starts on its own region: one chosen for another rarely fits.
                onChange={(e) => onUse(e.currentTarget.value, '')}
                data={names}
            />
            <NativeSelect
                aria-label="Active region"
                size="xs"
                w={140}
                value={list.region}
                disabled={switching}
                onChange={(e) => onUse(list.active, e.currentTarget.value)}
                data={[{value: '', label: "Profile's region"}, ...regionList.map((r) => ({value: r, label: r}))]}
            />
            {switching ? (
                <Loader size="xs" aria-label="Switching profile" />
            ) : (
                <Tooltip label={accountError ?? ''} disabled={!accountError} multiline w={320}>
                    <Text
                        size="xs"
                        c={accountError ? 'orange' : 'dimmed'}
                        data-testid="active-account"
                        style={{whiteSpace: 'nowrap'}}
                    >
                        {account ? `Account ${account}` : 'Account unknown'}
                    </Text>
                </Tooltip>
            )}
        </Group>
    );
}
