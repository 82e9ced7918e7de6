import {Paper, Text} from '@mantine/core';
import {op, type Progress, type StageView} from '../api/types';
import {layoutStages} from '../lib/graph';
import {waitingText} from '../lib/log';
import {StateBadge} from './StateBadge';
import classes from './StageGraph.module.css';

const W = 210;
const H = 74;
const GAP_X = 48;
const GAP_Y = 14;

interface Props {
    /** Each stage with its state as the Go side decided it (a running start or stop's word for it first). */
    stages: StageView[];
    /** The running start or stop, when there is one: the gate each stage waits on. */
    progress?: Progress;
}

/**
 * Stages as columns by depth (a stage is right of every stage it comes after),
 * with SVG connectors. Positions are computed, not measured, so it renders in
 * one pass.
 */
export function StageGraph({stages, progress}: Props) {
    const layout = layoutStages(stages.map((s) => ({name: s.name, after: s.after ?? []})));
    const at = new Map(layout.placed.map((p) => [p.name, {x: p.column * (W + GAP_X), y: p.row * (H + GAP_Y)}]));
    const width = layout.columns * (W + GAP_X) - GAP_X;
    const height = layout.rows * (H + GAP_Y) - GAP_Y;
    const byName = new Map(stages.map((s) => [s.name, s]));
    const prog = new Map((progress?.stages ?? []).map((p) => [p.name, p]));

    return (
        <div className={classes.scroll} role="list" aria-label="Stages">
            <div className={classes.canvas} style={{width: Math.max(0, width), height: Math.max(0, height)}}>
                <svg
                    className={classes.edges}
                    width={Math.max(0, width)}
                    height={Math.max(0, height)}
                    aria-hidden="true"
                >
                    {layout.edges.map((e) => {
                        const a = at.get(e.from)!;
                        const b = at.get(e.to)!;
                        const x1 = a.x + W;
                        const y1 = a.y + H / 2;
                        const x2 = b.x;
                        const y2 = b.y + H / 2;
                        const mx = (x1 + x2) / 2;
                        return (
                            <path
                                key={`${e.from}->${e.to}`}
                                d={`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}
                                className={classes.edge}
                            />
                        );
                    })}
                </svg>
                {layout.placed.map((p) => {
                    const s = byName.get(p.name)!;
                    const pos = at.get(p.name)!;
                    const pr = prog.get(p.name);
                    const detail =
                        pr?.status === op.StageStatus.ACTIVE && pr.waiting ? waitingText(pr.waiting) : gateText(s);
                    return (
                        <Paper
                            key={p.name}
                            withBorder
                            role="listitem"
                            aria-label={`Stage ${p.name}`}
                            data-testid={`stage-${p.name}`}
                            data-column={p.column}
                            className={classes.node}
                            data-run={pr?.status}
                            style={{left: pos.x, top: pos.y, width: W, height: H}}
                        >
                            <Text fw={600} size="sm" truncate>
                                {p.name}
                            </Text>
                            <div className={classes.meta}>
                                <StateBadge state={s.state} size="xs" />
                                <Text size="xs" c="dimmed" truncate>
                                    {s.instances?.length ?? 0} instance{s.instances?.length === 1 ? '' : 's'}
                                </Text>
                            </div>
                            <Text size="xs" c="dimmed" truncate title={detail} data-testid={`stage-detail-${p.name}`}>
                                {detail}
                            </Text>
                        </Paper>
                    );
                })}
            </div>
        </div>
    );
}

function gateText(s: StageView): string {
    const kinds = (s.gates ?? []).map((g) => g.kind).filter((k) => k !== 'running');
    return 'gates: ' + (kinds.length ? kinds.join(', ') : 'running');
}
