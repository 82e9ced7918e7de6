import {NavLink, ScrollArea, Stack, Text} from '@mantine/core';
import type {EnvView} from '../api/types';
import {StateBadge} from './StateBadge';

interface Props {
    envs: EnvView[];
    selected?: string;
    onSelect: (name: string) => void;
}

/** The environments with their overall state; each item is named by its environment. */
export function Sidebar({envs, selected, onSelect}: Props) {
    return (
        <nav aria-label="Environments" style={{display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1}}>
            <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" pb={4}>
                Environments
            </Text>
            <ScrollArea style={{flex: 1}}>
                {envs.length === 0 && (
                    <Text size="sm" c="dimmed" px="sm">
                        No environment files found. Add a folder in Settings.
                    </Text>
                )}
                <Stack gap={2} role="list">
                    {envs.map((e) => (
                        <div role="listitem" aria-label={e.name} data-state={e.state} key={e.file + '|' + e.name}>
                            <NavLink
                                component="button"
                                aria-label={e.name}
                                aria-current={selected === e.name ? 'page' : undefined}
                                active={selected === e.name}
                                onClick={() => onSelect(e.name)}
                                data-testid={`env-item-${e.name}`}
                                label={e.name}
                                description={detail(e)}
                                rightSection={<StateBadge state={e.state} size="xs" />}
                            />
                        </div>
                    ))}
                </Stack>
            </ScrollArea>
        </nav>
    );
}

function detail(e: EnvView): string {
    if (e.busy) return `busy: ${e.busy.action} (${e.busy.client ?? 'other'})`;
    if (e.problems?.length && e.usable) return 'file has problems; last good version in use';
    if (e.error) return 'last refresh failed';
    return e.region || '';
}
