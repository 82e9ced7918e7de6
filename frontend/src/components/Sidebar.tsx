import {NavLink, ScrollArea, Stack, Text} from '@mantine/core';
import {op, type EnvView} from '../api/types';
import {StateBadge} from './StateBadge';
import {useNow} from '../lib/useNow';
import {whoShort} from './lease/WhoLine';
import classes from './Sidebar.module.css';

interface Props {
    envs: EnvView[];
    /** The first overview has arrived (before it, an empty list says nothing). */
    loaded?: boolean;
    selected?: string;
    onSelect: (name: string) => void;
}

/** The environments with their overall state; each item is named by its environment. */
export function Sidebar({envs, loaded = true, selected, onSelect}: Props) {
    const now = useNow(30_000);
    return (
        <nav aria-label="Environments" style={{display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1}}>
            <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" pb={4}>
                Environments
            </Text>
            <ScrollArea style={{flex: 1}}>
                {loaded && envs.length === 0 && (
                    <Text size="sm" c="dimmed" px="sm">
                        No environment files yet.
                    </Text>
                )}
                <Stack gap={2} role="list">
                    {envs.map((e) => {
                        const d = detail(e, now);
                        return (
                            <div
                                role="listitem"
                                aria-label={e.name}
                                data-state={e.state}
                                data-file-problem={d.warn || undefined}
                                key={e.file + '|' + e.name}
                            >
                                <NavLink
                                    component="button"
                                    aria-current={selected === e.name ? 'page' : undefined}
                                    active={selected === e.name}
                                    onClick={() => onSelect(e.name)}
                                    data-testid={`env-item-${e.name}`}
                                    // The badge on the name's line, so the line under it has the item's whole width.
                                    label={
                                        <span className={classes.label}>
                                            <span className={classes.name}>{e.name}</span>
                                            <StateBadge state={e.state} size="sm" />
                                        </span>
                                    }
                                    description={
                                        <Text
                                            span
                                            display="block"
                                            truncate
                                            title={d.title ?? d.text}
                                            size="xs"
                                            c={d.warn ? 'orange' : 'dimmed'}
                                            fw={d.warn ? 700 : undefined}
                                        >
                                            {d.warn ? '⚠ ' : ''}
                                            {d.text}
                                        </Text>
                                    }
                                />
                            </div>
                        );
                    })}
                </Stack>
            </ScrollArea>
        </nav>
    );
}

/** One short line under the name (its long form in the title): what is worth knowing first. */
function detail(e: EnvView, now: number): {text: string; warn: boolean; title?: string} {
    if (e.busy) return {text: `busy: ${e.busy.action} (${e.busy.client ?? 'other'})`, warn: false};
    if (e.state === op.State.INVALID) return {text: 'broken file', warn: true, title: 'The file cannot be used'};
    if (e.problems?.length)
        return {text: 'file problems', warn: true, title: 'The file has problems; its last good version is in use'};
    if (e.error) return {text: 'stale', warn: true, title: `The last read failed: ${e.error}`};
    // Who started what runs and its lease, for everyone's starts (the instances' tags).
    const who = whoShort(e.who, now);
    if (who) return {text: who, warn: false};
    return {text: e.region || '', warn: false};
}
