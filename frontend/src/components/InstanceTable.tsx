import {createContext, forwardRef, memo, useCallback, useContext, useEffect, useMemo, useRef, useState} from 'react';
import {
    getCoreRowModel,
    getSortedRowModel,
    useReactTable,
    type ColumnDef,
    type Row as TableRow,
    type SortingState,
    type VisibilityState,
} from '@tanstack/react-table';
import {useVirtualizer} from '@tanstack/react-virtual';
import {useElementSize} from '@mantine/hooks';
import {
    Button,
    Checkbox,
    Group,
    Menu,
    MultiSelect,
    Popover,
    Progress as Bar,
    Stack,
    Text,
    TextInput,
} from '@mantine/core';
import {control, type Instance, type InstanceAction, type InstanceInfo} from '../api/types';
import {epoch, uptime} from '../lib/format';
import {StateBadge} from './StateBadge';
import classes from './InstanceTable.module.css';

/** An instance as the table shows it: its data (not the generated class's helpers) and its stage. */
export type InstanceRow = Omit<Instance, 'convertValues'> & {stage: string};

/** What a row's menu does beyond showing; each is the window's (App), so the table only asks. */
export interface RowActions {
    act: (row: InstanceRow, action: InstanceAction) => void;
    info: (row: InstanceRow) => Promise<InstanceInfo>;
    copy: (text: string, what: string) => void;
    console: (row: InstanceRow) => void;
    connect: (row: InstanceRow) => void;
    history: () => void;
    /** Terminate a launched instance (one with a cloudcontrol:launch tag); asks first. */
    terminate?: (row: InstanceRow) => void;
}

export const ROW_HEIGHT = 36;

interface Props {
    rows: InstanceRow[];
    now: number;
    actions?: RowActions;
    /** Disables per-instance start, stop and reboot, e.g. while a run holds the environment. */
    busy?: boolean;
    searchRef?: React.Ref<HTMLInputElement>;
}

// Where a row can go from its state; EC2 refuses the rest.
const allowed: Record<string, InstanceAction[]> = {
    stopped: [control.InstanceAction.START],
    running: [control.InstanceAction.STOP, control.InstanceAction.REBOOT],
};

/** Rows whose state is one of states (all when none) and whose text matches the query. */
export function filterRows(rows: InstanceRow[], query: string, states: string[]): InstanceRow[] {
    const q = query.trim().toLowerCase();
    return rows.filter((r) => (states.length === 0 || states.includes(r.state)) && matches(r, q));
}

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
        r.dnsName,
        r.stage,
        ...Object.entries(r.tags ?? {}).map(([k, v]) => `${k}=${v}`),
    ];
    return hay.some((h) => h && h.toLowerCase().includes(q));
}

/** Numeric IP order, so 10.0.0.9 sorts before 10.0.0.10. */
export function ipKey(ip: string | undefined): string {
    return ip
        ? ip
              .split('.')
              .map((p) => p.padStart(3, '0'))
              .join('.')
        : '';
}

const address = (r: InstanceRow) => r.dnsName || r.publicIp || '';

/** A column of the table. */
export type Key = 'name' | 'id' | 'stage' | 'type' | 'state' | 'az' | 'privateIp' | 'publicIp' | 'uptime';

interface Col {
    key: Key;
    label: string;
    /** The cell's text, for sizing the column to its content (and searching). */
    text: (r: InstanceRow) => string;
    sort: (r: InstanceRow) => string | number;
    mono?: boolean;
    /** Narrowest and widest it gets; the name column takes what is left. */
    min: number;
    max: number;
}

const cols: Col[] = [
    {
        key: 'name',
        label: 'Name',
        text: (r) => r.name ?? '',
        sort: (r) => (r.name ?? '').toLowerCase(),
        min: 100,
        max: 260,
    },
    {key: 'id', label: 'Instance ID', text: (r) => r.id, sort: (r) => r.id, mono: true, min: 90, max: 190},
    {key: 'stage', label: 'Stage', text: (r) => r.stage, sort: (r) => r.stage.toLowerCase(), min: 64, max: 180},
    {key: 'type', label: 'Type', text: (r) => r.type ?? '', sort: (r) => r.type ?? '', min: 56, max: 140},
    {key: 'state', label: 'State', text: (r) => r.state, sort: (r) => r.state, min: 96, max: 150},
    {key: 'az', label: 'AZ', text: (r) => r.az ?? '', sort: (r) => r.az ?? '', min: 48, max: 130},
    {
        key: 'privateIp',
        label: 'Private IP',
        text: (r) => r.privateIp ?? '',
        sort: (r) => ipKey(r.privateIp),
        mono: true,
        min: 80,
        max: 150,
    },
    {
        key: 'publicIp',
        label: 'Public IP / DNS',
        text: address,
        sort: (r) => (r.dnsName ? r.dnsName : ipKey(r.publicIp)),
        mono: true,
        min: 110,
        max: 260,
    },
    {
        key: 'uptime',
        label: 'Uptime',
        text: () => '10d 23h',
        // Longer uptime is an earlier launch; instances not running sort first, as no uptime.
        sort: (r) => (r.state === 'running' && !Number.isNaN(epoch(r.launchTime)) ? -epoch(r.launchTime) : -Infinity),
        min: 64,
        max: 90,
    },
];

const colByKey = new Map(cols.map((c) => [c.key, c]));

/** Columns hidden first when the table is narrower than its columns, unless the person chose otherwise. */
const giveWay: Key[] = ['az', 'stage', 'type'];

/** Columns that shorten (their text then ends in "…", the whole of it in the cell's title) before the table scrolls sideways. */
const giveRoom: Key[] = ['publicIp', 'name'];

const ACTIONS_W = 44;
const BOOT_BAR_W = 36; // a booting instance's progress bar beside its state badge
const PAD = 18; // a cell's padding and border

/** Text widths in the window's own fonts (a canvas measures them); undefined where there is no canvas (tests). */
const measure = (() => {
    let ctx: CanvasRenderingContext2D | null | undefined;
    return (text: string, font: string): number | undefined => {
        if (ctx === undefined) {
            const jsdom = typeof navigator !== 'undefined' && /jsdom/i.test(navigator.userAgent);
            ctx = jsdom ? null : document.createElement('canvas').getContext('2d');
        }
        if (!ctx) return undefined;
        ctx.font = font;
        return ctx.measureText(text).width;
    };
})();

/** Each column's width from its content: the widest cell (and its header), within the column's bounds. */
function widths(rows: InstanceRow[]): Record<Key, number> {
    const out = {} as Record<Key, number>;
    const css = typeof document !== 'undefined' ? getComputedStyle(document.body) : undefined;
    const sans = css?.getPropertyValue('--mantine-font-family') || css?.fontFamily || 'sans-serif';
    const mono = css?.getPropertyValue('--mantine-font-family-monospace') || 'monospace';
    // A badge's own padding, and a running instance's boot progress bar (and a 6 px gap) beside it.
    const booting = rows.some((r) => r.progress && r.state === 'running');
    const stateExtra = 16 + (booting ? BOOT_BAR_W + 6 : 0);
    for (const c of cols) {
        // The longest few texts by length are the widest candidates: measuring them is enough.
        const texts = Array.from(new Set(rows.map(c.text)))
            .sort((a, b) => b.length - a.length)
            .slice(0, 4);
        const font = c.mono ? `12px ${mono}` : `14px ${sans}`;
        let px = (measure(c.label.toUpperCase(), `700 12px ${sans}`) ?? c.label.length * 8) + 6;
        for (const t of texts) px = Math.max(px, measure(t, font) ?? t.length * (c.mono ? 7.3 : 8.2));
        const extra = c.key === 'state' ? stateExtra : 0;
        out[c.key] = Math.round(Math.min(c.max, Math.max(c.min, px + PAD + extra)));
    }
    return out;
}

/**
 * Which columns show, and how wide, in a table `box` pixels wide: columns the
 * person did not choose give way in order (AZ, stage, type) until the rest fit,
 * then the address and the name shorten down to their narrowest; only a table
 * that still does not fit scrolls sideways. box 0 (not measured yet): all, as sized.
 */
export function fitColumns(
    size: Record<Key, number>,
    chosen: VisibilityState,
    box: number,
): {shown: VisibilityState; fitted: Record<Key, number>} {
    const shown: VisibilityState = {};
    for (const c of cols) shown[c.key] = chosen[c.key] ?? true;
    const fitted = {...size};
    if (box <= 0) return {shown, fitted};
    const total = () => cols.reduce((n, c) => n + (shown[c.key] ? fitted[c.key] : 0), ACTIONS_W);
    for (const k of giveWay) if (total() > box && chosen[k] === undefined) shown[k] = false;
    for (const k of giveRoom) {
        const over = total() - box;
        if (over > 0 && shown[k]) fitted[k] = Math.max(colByKey.get(k)!.min, fitted[k] - over);
    }
    return {shown, fitted};
}

export function InstanceTable({rows, now, actions, busy, searchRef}: Props) {
    const [query, setQuery] = useState('');
    const [states, setStates] = useState<string[]>([]);
    const [sorting, setSorting] = useState<SortingState>([]);
    const [chosen, setChosen] = useState<VisibilityState>({});
    const {ref: box, width: boxWidth} = useElementSize();

    const visible = useMemo(() => filterRows(rows, query, states), [rows, query, states]);
    const stateOptions = useMemo(() => Array.from(new Set(rows.map((r) => r.state))).sort(), [rows]);
    const size = useMemo(() => widths(rows), [rows]);

    // Within the table's 1 px border on each side.
    const inner = boxWidth > 2 ? boxWidth - 2 : 0;
    const {shown, fitted} = useMemo(() => fitColumns(size, chosen, inner), [size, chosen, inner]);

    const columns = useMemo<ColumnDef<InstanceRow>[]>(
        () =>
            cols.map((c) => ({
                id: c.key,
                header: c.label,
                accessorFn: c.sort,
                size: fitted[c.key],
                sortUndefined: 'first',
            })),
        [fitted],
    );
    const table = useReactTable({
        data: visible,
        columns,
        state: {sorting, columnVisibility: shown},
        onSortingChange: setSorting,
        getCoreRowModel: getCoreRowModel(),
        getSortedRowModel: getSortedRowModel(),
        getRowId: (r) => r.id,
    });
    const leaves = table.getVisibleLeafColumns();
    const template =
        leaves.map((c) => (c.id === 'name' ? `minmax(${c.getSize()}px, 1fr)` : `${c.getSize()}px`)).join(' ') +
        ` ${ACTIONS_W}px`;
    const minWidth = leaves.reduce((n, c) => n + c.getSize(), ACTIONS_W);
    // The same columns are the same array, so memoized rows stay memoized across renders.
    const shownKeys = leaves.map((c) => c.id).join(' ');
    const keys = useMemo(() => shownKeys.split(' ') as Key[], [shownKeys]);

    return (
        <div className={classes.wrap} ref={box}>
            <Group gap="sm" mb="xs" wrap="nowrap">
                <TextInput
                    ref={searchRef}
                    placeholder="Search name, id, IP, tag…  (Ctrl+K)"
                    aria-label="Search instances"
                    value={query}
                    onChange={(e) => setQuery(e.currentTarget.value)}
                    style={{flex: 1, minWidth: 120}}
                />
                <MultiSelect
                    aria-label="Filter by state"
                    placeholder={states.length ? undefined : 'All states'}
                    data={stateOptions}
                    value={states}
                    onChange={setStates}
                    clearable
                    w={200}
                />
                <ColumnsMenu shown={shown} onChange={(k, v) => setChosen((c) => ({...c, [k]: v}))} />
                <Text
                    size="sm"
                    c="dimmed"
                    data-testid="instance-count"
                    aria-live="polite"
                    style={{whiteSpace: 'nowrap'}}
                >
                    {visible.length === rows.length
                        ? `${rows.length} instances`
                        : `${visible.length} of ${rows.length}`}
                </Text>
            </Group>
            <div
                role="table"
                aria-label="Instances"
                aria-rowcount={visible.length + 1}
                className={classes.table}
                data-columns={keys.join(' ')}
            >
                <div role="rowgroup" className={classes.head}>
                    <div
                        role="row"
                        className={classes.row}
                        aria-rowindex={1}
                        style={{gridTemplateColumns: template, minWidth}}
                    >
                        {table.getHeaderGroups()[0].headers.map((h) => {
                            const dir = h.column.getIsSorted();
                            return (
                                <div
                                    key={h.id}
                                    role="columnheader"
                                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                                    className={classes.cell}
                                    data-column={h.id}
                                    data-width={h.getSize()}
                                >
                                    <button
                                        type="button"
                                        className={classes.sortButton}
                                        onClick={h.column.getToggleSortingHandler()}
                                        title={`Sort by ${String(h.column.columnDef.header).toLowerCase()}`}
                                    >
                                        {String(h.column.columnDef.header)}
                                        {dir === 'asc' ? ' ▴' : dir === 'desc' ? ' ▾' : ''}
                                    </button>
                                </div>
                            );
                        })}
                        <div role="columnheader" className={classes.cell} aria-label="Actions" />
                    </div>
                </div>
                <VirtualRows
                    rows={table.getRowModel().rows}
                    keys={keys}
                    template={template}
                    minWidth={minWidth}
                    now={now}
                    busy={busy}
                    actions={actions}
                />
            </div>
        </div>
    );
}

function ColumnsMenu({shown, onChange}: {shown: VisibilityState; onChange: (k: Key, v: boolean) => void}) {
    return (
        <Popover position="bottom-end" withinPortal shadow="md">
            <Popover.Target>
                <Button variant="default" size="sm">
                    Columns
                </Button>
            </Popover.Target>
            <Popover.Dropdown>
                <Stack gap={6} role="group" aria-label="Show columns">
                    {cols
                        .filter((c) => c.key !== 'name')
                        .map((c) => (
                            <Checkbox
                                key={c.key}
                                label={c.label}
                                checked={!!shown[c.key]}
                                onChange={(e) => onChange(c.key, e.currentTarget.checked)}
                            />
                        ))}
                </Stack>
            </Popover.Dropdown>
        </Popover>
    );
}

type RowsProps = Pick<Props, 'now' | 'busy' | 'actions'> & {
    rows: TableRow<InstanceRow>[];
    keys: Key[];
    template: string;
    minWidth: number;
};

/**
 * The scrolling body on its own, so a scroll re-renders only it (not the
 * search box and state filter), and rows are memoized, so a scroll step
 * renders just the rows that came into view: the table keeps 60 fps.
 */
function VirtualRows({rows, keys, template, minWidth, now, busy, actions}: RowsProps) {
    const scrollRef = useRef<HTMLDivElement>(null);
    const virtualizer = useVirtualizer({
        count: rows.length,
        getScrollElement: () => scrollRef.current,
        estimateSize: () => ROW_HEIGHT,
        overscan: 10,
    });
    // One row's menu at a time: only that row mounts a Mantine Menu, the
    // others a plain button, since a scroll mounts several rows a frame.
    const [menuFor, setMenuFor] = useState<string | null>(null);
    const closed = useRef<string | null>(null);
    const onMenu = useCallback((id: string | null) => {
        setMenuFor((was) => {
            if (id === null) closed.current = was;
            return id;
        });
    }, []);
    // The open row's button is a new element once its menu has gone: focus
    // goes back to it (as Mantine's would to its target) unless it went elsewhere.
    useEffect(() => {
        const id = closed.current;
        closed.current = null;
        if (menuFor !== null || id === null) return;
        const active = document.activeElement;
        if (active && active !== document.body) return;
        scrollRef.current?.querySelector<HTMLElement>(`[data-menu-for="${CSS.escape(id)}"]`)?.focus();
    }, [menuFor]);
    return (
        <NowContext.Provider value={now}>
            <div ref={scrollRef} className={classes.scroll} data-testid="instance-scroll">
                <div role="rowgroup" style={{height: virtualizer.getTotalSize(), position: 'relative', minWidth}}>
                    {virtualizer.getVirtualItems().map((v) => (
                        <Row
                            key={rows[v.index].id}
                            r={rows[v.index].original}
                            index={v.index}
                            start={v.start}
                            keys={keys}
                            template={template}
                            busy={busy}
                            actions={actions}
                            menuOpen={menuFor === rows[v.index].id}
                            onMenu={onMenu}
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

type RowProps = Pick<Props, 'busy' | 'actions'> & {
    r: InstanceRow;
    index: number;
    start: number;
    keys: Key[];
    template: string;
    /** Whether this row's menu is the open one. */
    menuOpen: boolean;
    /** Opens this row's menu (its id), or closes it (null). */
    onMenu: (id: string | null) => void;
};

const Row = memo(function Row({r, index, start, keys, template, busy, actions, menuOpen, onMenu}: RowProps) {
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
                gridTemplateColumns: template,
                transform: `translateY(${start}px)`,
            }}
        >
            {keys.map((k) => (
                <Cell key={k} k={k} r={r} />
            ))}
            <div role="cell" className={classes.cell}>
                {actions &&
                    (menuOpen ? (
                        <RowMenu row={r} busy={busy} actions={actions} onClose={() => onMenu(null)} />
                    ) : (
                        <MenuButton row={r} onOpen={() => onMenu(r.id)} />
                    ))}
            </div>
        </div>
    );
});

function Cell({k, r}: {k: Key; r: InstanceRow}) {
    const col = colByKey.get(k)!;
    const cls = col.mono ? `${classes.cell} ${classes.mono}` : classes.cell;
    switch (k) {
        case 'name':
            return (
                <div role="cell" className={cls} title={r.name}>
                    {r.name || (
                        <Text span c="dimmed">
                            —
                        </Text>
                    )}
                </div>
            );
        case 'state':
            return (
                <div role="cell" className={`${cls} ${classes.state}`} title={r.stateReason}>
                    <StateBadge state={r.state} size="sm" />
                    {r.progress && r.state === 'running' && (
                        <Bar
                            value={r.progress.percent}
                            size="sm"
                            w={BOOT_BAR_W}
                            aria-label={`boot ${r.progress.percent}%${r.progress.message ? `: ${r.progress.message}` : ''}`}
                            title={`${r.progress.percent}% ${r.progress.message ?? ''}`}
                        />
                    )}
                </div>
            );
        case 'publicIp':
            return (
                <div
                    role="cell"
                    className={cls}
                    title={[r.dnsName, r.publicIp].filter(Boolean).join(' · ') || undefined}
                >
                    {address(r)}
                </div>
            );
        case 'uptime':
            return (
                <div role="cell" className={cls}>
                    <Uptime launchTime={r.launchTime} state={r.state} />
                </div>
            );
        default:
            return (
                <div role="cell" className={cls}>
                    {col.text(r)}
                </div>
            );
    }
}

type MenuButtonProps = React.ComponentPropsWithoutRef<'button'> & {row: InstanceRow; onOpen?: () => void};

/**
 * A row's ⋯ button: a plain button, not Mantine's ActionIcon (nor a Menu or
 * a Tooltip), since a scroll mounts rows every frame. Enter, Space and
 * ArrowDown open the menu, as on a Menu's own target; the open row's Menu
 * wraps this same button.
 */
const MenuButton = forwardRef<HTMLButtonElement, MenuButtonProps>(function MenuButton(
    {row, onOpen, onKeyDown, ...rest},
    ref,
) {
    return (
        <button
            ref={ref}
            type="button"
            className={`mantine-focus-auto ${classes.menuButton}`}
            aria-label={`Actions for ${row.name || row.id}`}
            aria-haspopup="menu"
            aria-expanded={false}
            title="Actions"
            data-menu-for={row.id}
            onClick={onOpen}
            onKeyDown={(e) => {
                onKeyDown?.(e);
                if (e.key === 'ArrowDown' && onOpen) {
                    e.preventDefault();
                    onOpen();
                }
            }}
            {...rest}
        >
            ⋯
        </button>
    );
});

/** The open row's menu: Mantine's Menu on the row's button, asking for what the console and Session Manager need. */
function RowMenu({
    row,
    busy,
    actions,
    onClose,
}: {
    row: InstanceRow;
    busy?: boolean;
    actions: RowActions;
    onClose: () => void;
}) {
    const label = row.name || row.id;
    const can = allowed[row.state] ?? [];
    const [info, setInfo] = useState<InstanceInfo | string | undefined>();
    // Sets state only once the answer is in, so the effect may call it.
    const fetchInfo = useCallback(() => {
        actions.info(row).then(setInfo, (err) => setInfo(err instanceof Error ? err.message : String(err)));
    }, [actions, row]);
    // Mounted open: ask now.
    useEffect(fetchInfo, [fetchInfo]);
    const got = typeof info === 'object' ? info : undefined;
    const why = typeof info === 'string' ? info : undefined;
    const checking = info === undefined;
    return (
        <Menu
            position="bottom-end"
            withinPortal
            opened
            onChange={(o) => !o && onClose()}
            keepMounted={false}
            withInitialFocusPlaceholder={false}
        >
            <Menu.Target>
                <MenuButton row={row} />
            </Menu.Target>
            <Menu.Dropdown data-testid="instance-menu">
                {[control.InstanceAction.START, control.InstanceAction.STOP, control.InstanceAction.REBOOT].map((a) => (
                    <Menu.Item
                        key={a}
                        disabled={busy || !can.includes(a)}
                        onClick={() => actions.act(row, a)}
                        aria-label={`${cap(a)} ${label}`}
                    >
                        {cap(a)}
                    </Menu.Item>
                ))}
                <Menu.Divider />
                <Menu.Item onClick={() => actions.copy(row.id, 'instance id')}>Copy instance ID</Menu.Item>
                <Menu.Item disabled={!row.privateIp} onClick={() => actions.copy(row.privateIp ?? '', 'private IP')}>
                    Copy private IP
                </Menu.Item>
                <Menu.Item disabled={!row.publicIp} onClick={() => actions.copy(row.publicIp ?? '', 'public IP')}>
                    Copy public IP
                </Menu.Item>
                {row.dnsName && (
                    <Menu.Item onClick={() => actions.copy(row.dnsName ?? '', 'DNS name')}>Copy DNS name</Menu.Item>
                )}
                <Menu.Divider />
                <Menu.Item disabled={!got?.consoleUrl} onClick={() => actions.console(row)}>
                    <Reasoned why={checking ? 'checking…' : (why ?? got?.consoleProblem)}>
                        Open in the AWS console{got ? ` (${got.account || 'account unknown'}, ${got.region})` : ''}
                    </Reasoned>
                </Menu.Item>
                <Menu.Item disabled={!got?.connect.available} onClick={() => actions.connect(row)}>
                    <Reasoned why={checking ? 'asking SSM…' : (why ?? got?.connect.problem)} note={got?.connect.note}>
                        Connect with Session Manager
                    </Reasoned>
                </Menu.Item>
                <Menu.Divider />
                <Menu.Item onClick={actions.history}>Starts and stops of its environment</Menu.Item>
                {row.launch && actions.terminate && (
                    <>
                        <Menu.Divider />
                        <Menu.Item
                            color="red.9"
                            disabled={busy}
                            onClick={() => actions.terminate?.(row)}
                            aria-label={`Terminate ${label}`}
                        >
                            Terminate…
                        </Menu.Item>
                    </>
                )}
            </Menu.Dropdown>
        </Menu>
    );
}

/** A menu item with, in it, why it is not available (or what to know first). */
function Reasoned({why, note, children}: {why?: string; note?: string; children: React.ReactNode}) {
    return (
        <span style={{display: 'flex', flexDirection: 'column'}}>
            <span>{children}</span>
            {(why || note) && (
                <Text span size="xs" c="dimmed" maw={320} data-testid="menu-reason" style={{whiteSpace: 'normal'}}>
                    {why || note}
                </Text>
            )}
        </span>
    );
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
