import {createContext, memo, useContext, useMemo, useRef, useState} from 'react';
import {useVirtualizer} from '@tanstack/react-virtual';
import {ActionIcon, Group, Menu, MultiSelect, Text, TextInput} from '@mantine/core';
import {control, type Instance, type InstanceAction} from '../api/types';
import {uptime, uptimeSeconds} from '../lib/format';
import {StateBadge} from './StateBadge';
import classes from './InstanceTable.module.css';

/** An instance as the table shows it: its data (not the generated class's helpers) and its stage. */
export type InstanceRow = Omit<Instance, 'convertValues'> & {stage: string};

type SortKey = 'name' | 'id' | 'type' | 'state' | 'az' | 'privateIp' | 'publicIp' | 'uptime' | 'stage';

const columns: {key: SortKey; label: string}[] = [
    {key: 'name', label: 'Name'},
    {key: 'id', label: 'Instance ID'},
    {key: 'stage', label: 'Stage'},
    {key: 'type', label: 'Type'},
    {key: 'state', label: 'State'},
    {key: 'az', label: 'AZ'},
    {key: 'privateIp', label: 'Private IP'},
    {key: 'publicIp', label: 'Public IP'},
    {key: 'uptime', label: 'Uptime'},
];

export const ROW_HEIGHT = 36;

interface Props {
    rows: InstanceRow[];
    now: number;
    onAction?: (row: InstanceRow, action: InstanceAction) => void;
    /** Disables per-instance actions, e.g. while a run holds the environment. */
    busy?: boolean;
    searchRef?: React.Ref<HTMLInputElement>;
}

// Where a row can go from its state; EC2 refuses the rest.
const allowed: Record<string, InstanceAction[]> = {
    stopped: [control.InstanceAction.START],
    running: [control.InstanceAction.STOP, control.InstanceAction.REBOOT],
};

function matches(r: InstanceRow, q: string): boolean {
    if (!q) return true;
    const hay = [
        r.name,
        r.id,
        r.type,
        r.state,
        r.az,
        r.privateIp,
        r.publicIp,
        r.stage,
        ...Object.entries(r.tags ?? {}).map(([k, v]) => `${k}=${v}`),
    ];
    return hay.some((h) => h && h.toLowerCase().includes(q));
}

function sortValue(r: InstanceRow, key: SortKey, now: number): string | number {
    if (key === 'uptime') return uptimeSeconds(r.launchTime, r.state, now);
    if (key === 'privateIp' || key === 'publicIp') {
        // Numeric IP order, so 10.0.0.9 sorts before 10.0.0.10.
        const ip = r[key] ?? '';
        return ip
            ? ip
                  .split('.')
                  .map((p) => p.padStart(3, '0'))
                  .join('.')
            : '';
    }
    return (r[key] ?? '').toString().toLowerCase();
}

export interface Sort {
    key: SortKey | null; // null: the order given (stage order)
    desc: boolean;
}

export function filterAndSort(
    rows: InstanceRow[],
    query: string,
    states: string[],
    sort: Sort,
    now: number,
): InstanceRow[] {
    const q = query.trim().toLowerCase();
    const out = rows.filter((r) => (states.length === 0 || states.includes(r.state)) && matches(r, q));
    const key = sort.key;
    if (!key) return out;
    const dir = sort.desc ? -1 : 1;
    // Rows keep their stage order unless a column is chosen (stable sort).
    return out
        .map((r, i) => ({r, i, v: sortValue(r, key, now)}))
        .sort((a, b) => (a.v < b.v ? -dir : a.v > b.v ? dir : a.i - b.i))
        .map((x) => x.r);
}

export function InstanceTable({rows, now, onAction, busy, searchRef}: Props) {
    const [query, setQuery] = useState('');
    const [states, setStates] = useState<string[]>([]);
    const [sort, setSort] = useState<Sort>({key: null, desc: false});
    // Uptime changes with the clock; only re-sort by it when asked to.
    const clock = sort.key === 'uptime' ? now : 0;
    const visible = useMemo(() => filterAndSort(rows, query, states, sort, clock), [rows, query, states, sort, clock]);
    const stateOptions = useMemo(() => Array.from(new Set(rows.map((r) => r.state))).sort(), [rows]);
    const toggleSort = (key: SortKey) => setSort((s) => (s.key === key ? {key, desc: !s.desc} : {key, desc: false}));

    return (
        <div className={classes.wrap}>
            <Group gap="sm" mb="xs" wrap="nowrap">
                <TextInput
                    ref={searchRef}
                    placeholder="Search name, id, IP, tag…  (Ctrl+K)"
                    aria-label="Search instances"
                    value={query}
                    onChange={(e) => setQuery(e.currentTarget.value)}
                    style={{flex: 1}}
                />
                <MultiSelect
                    aria-label="Filter by state"
                    placeholder={states.length ? undefined : 'All states'}
                    data={stateOptions}
                    value={states}
                    onChange={setStates}
                    clearable
                    w={260}
                />
                <Text size="sm" c="dimmed" data-testid="instance-count" aria-live="polite">
                    {visible.length === rows.length
                        ? `${rows.length} instances`
                        : `${visible.length} of ${rows.length}`}
                </Text>
            </Group>
            <div role="table" aria-label="Instances" aria-rowcount={visible.length + 1} className={classes.table}>
                <div role="rowgroup" className={classes.head}>
                    <div role="row" className={classes.row} aria-rowindex={1}>
                        {columns.map((c) => (
                            <div
                                key={c.key}
                                role="columnheader"
                                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                                className={classes.cell}
                            >
                                <button type="button" className={classes.sortButton} onClick={() => toggleSort(c.key)}>
                                    {c.label}
                                    {sort.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
                                </button>
                            </div>
                        ))}
                        <div role="columnheader" className={classes.cell} aria-label="Actions" />
                    </div>
                </div>
                <VirtualRows rows={visible} now={now} busy={busy} onAction={onAction} />
            </div>
        </div>
    );
}

type RowsProps = Pick<Props, 'now' | 'busy' | 'onAction'> & {rows: InstanceRow[]};

/**
 * The scrolling body on its own, so a scroll re-renders only it (not the
 * search box and state filter), and rows are memoized, so a scroll step
 * renders just the rows that came into view: the table keeps 60 fps.
 */
function VirtualRows({rows, now, busy, onAction}: RowsProps) {
    const scrollRef = useRef<HTMLDivElement>(null);
    const virtualizer = useVirtualizer({
        count: rows.length,
        getScrollElement: () => scrollRef.current,
        estimateSize: () => ROW_HEIGHT,
        overscan: 10,
    });
    return (
        <NowContext.Provider value={now}>
            <div ref={scrollRef} className={classes.scroll} data-testid="instance-scroll">
                <div role="rowgroup" style={{height: virtualizer.getTotalSize(), position: 'relative'}}>
                    {virtualizer.getVirtualItems().map((v) => (
                        <Row
                            key={rows[v.index].id}
                            r={rows[v.index]}
                            index={v.index}
                            start={v.start}
                            busy={busy}
                            onAction={onAction}
                        />
                    ))}
                </div>
            </div>
        </NowContext.Provider>
    );
}

/**
 * The clock reaches the uptime cells through a context, not the rows' props:
 * its tick every second then re-renders those texts only, never a whole row
 * (with its badge and button) in the middle of a scroll.
 */
const NowContext = createContext(0);

function Uptime({launchTime, state}: {launchTime?: string; state: string}) {
    return <>{uptime(launchTime, state, useContext(NowContext))}</>;
}

type RowProps = Pick<Props, 'busy' | 'onAction'> & {r: InstanceRow; index: number; start: number};

const Row = memo(function Row({r, index, start, busy, onAction}: RowProps) {
    return (
        <div
            role="row"
            aria-rowindex={index + 2}
            className={classes.row}
            data-testid="instance-row"
            style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${start}px)`,
            }}
        >
            <div role="cell" className={classes.cell} title={r.name}>
                {r.name || (
                    <Text span c="dimmed">
                        —
                    </Text>
                )}
            </div>
            <div role="cell" className={`${classes.cell} ${classes.mono}`}>
                {r.id}
            </div>
            <div role="cell" className={classes.cell}>
                {r.stage}
            </div>
            <div role="cell" className={classes.cell}>
                {r.type}
            </div>
            <div role="cell" className={classes.cell} title={r.stateReason}>
                <StateBadge state={r.state} size="xs" />
            </div>
            <div role="cell" className={classes.cell}>
                {r.az}
            </div>
            <div role="cell" className={`${classes.cell} ${classes.mono}`}>
                {r.privateIp}
            </div>
            <div role="cell" className={`${classes.cell} ${classes.mono}`}>
                {r.publicIp}
            </div>
            <div role="cell" className={classes.cell}>
                <Uptime launchTime={r.launchTime} state={r.state} />
            </div>
            <div role="cell" className={classes.cell}>
                {onAction && <RowMenu row={r} busy={busy} onAction={onAction} />}
            </div>
        </div>
    );
});

function RowMenu({
    row,
    busy,
    onAction,
}: {
    row: InstanceRow;
    busy?: boolean;
    onAction: (row: InstanceRow, a: InstanceAction) => void;
}) {
    const can = allowed[row.state] ?? [];
    const label = row.name || row.id;
    // A Mantine Menu is costly to mount and a scroll mounts several rows a
    // frame, so the menu is only built once its button is first clicked.
    const [armed, setArmed] = useState(false);
    if (!armed) {
        return (
            <ActionIcon
                variant="subtle"
                size="sm"
                aria-label={`Actions for ${label}`}
                disabled={busy}
                onClick={() => setArmed(true)}
            >
                ⋯
            </ActionIcon>
        );
    }
    return (
        <Menu position="bottom-end" withinPortal defaultOpened>
            <Menu.Target>
                <ActionIcon variant="subtle" size="sm" aria-label={`Actions for ${label}`} disabled={busy}>
                    ⋯
                </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
                {[control.InstanceAction.START, control.InstanceAction.STOP, control.InstanceAction.REBOOT].map((a) => (
                    <Menu.Item
                        key={a}
                        disabled={!can.includes(a)}
                        onClick={() => onAction(row, a)}
                        aria-label={`${cap(a)} ${label}`}
                    >
                        {cap(a)}
                    </Menu.Item>
                ))}
            </Menu.Dropdown>
        </Menu>
    );
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
