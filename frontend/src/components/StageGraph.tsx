import {Paper, Text} from '@mantine/core';
import {op, type Progress, type StageProgress, type StageView} from '../api/types';
import {layoutStages} from '../lib/graph';
import {duration, epoch} from '../lib/format';
import {waitingText} from '../lib/log';
import {StateBadge} from './StateBadge';
import classes from './StageGraph.module.css';

const W = 220;
const GAP_X = 44;
const GAP_Y = 12;

interface Props {
    /** Each stage with its state as the Go side decided it (a running start or stop's word for it first). */
    stages: StageView[];
    /** The run to draw on the stages (in progress, or ended and needing attention); none draws the states alone. */
    progress?: Progress;
    /** Wall clock (ms), for the countdown to an active stage's timeout. */
    now: number;
}

/** A stage's run status in words, where the stage's state word does not say it. */
const statusText: Record<string, string> = {
    [op.StageStatus.PENDING]: 'waiting',
    [op.StageStatus.NOT_STARTED]: 'not started',
    [op.StageStatus.CANCELLED]: 'cancelled',
    [op.StageStatus.FAILED]: 'failed',
};

/**
 * Stages as columns by depth (a stage is right of every stage it comes after),
 * with SVG connectors; during a run each stage also shows its gate checks,
 * the gate it waits on and the time left to its timeout. Positions are
 * computed, not measured, so it renders in one pass.
 */
export function StageGraph({stages, progress, now}: Props) {
    const H = progress ? 112 : 76;
    const layout = layoutStages(stages.map((s) => ({name: s.name, after: s.after ?? []})));
    const at = new Map(layout.placed.map((p) => [p.name, {x: p.column * (W + GAP_X), y: p.row * (H + GAP_Y)}]));
    const width = layout.columns * (W + GAP_X) - GAP_X;
    const height = layout.rows * (H + GAP_Y) - GAP_Y;
    const byName = new Map(stages.map((s) => [s.name, s]));
    const prog = new Map((progress?.stages ?? []).map((p) => [p.name, p]));
    const running = progress?.outcome === op.Outcome.RUNNING;

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
                    const count = s.instances?.length ?? 0;
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
                            <div className={classes.meta}>
                                <Text fw={700} size="sm" truncate title={p.name}>
                                    {p.name}
                                </Text>
                                <StateBadge state={s.state} size="sm" />
                            </div>
                            <Text
                                size="xs"
                                c="dimmed"
                                truncate
                                title={`${count} instance${count === 1 ? '' : 's'} · ${gateText(s)}`}
                            >
                                {count} instance{count === 1 ? '' : 's'} · {gateText(s)}
                            </Text>
                            {pr && <StageRun s={pr} now={running ? now : undefined} />}
                        </Paper>
                    );
                })}
            </div>
        </div>
    );
}

/** A stage's part of the run: its gate checks as steps, what it waits on, the time left. */
function StageRun({s, now}: {s: StageProgress; now?: number}) {
    const active = s.status === op.StageStatus.ACTIVE;
    const since = epoch(s.started);
    const left =
        active && now !== undefined && s.timeoutSeconds && !Number.isNaN(since)
            ? since / 1000 + s.timeoutSeconds - now / 1000
            : undefined;
    const total = Math.max(1, s.total);
    const detail = active
        ? [
              s.waiting ? waitingText(s.waiting) + (s.waiting.address ? ` at ${s.waiting.address}` : '') : 'checking',
              left !== undefined ? (left > 0 ? `times out in ${duration(left)}` : 'timing out') : '',
          ]
              .filter(Boolean)
              .join(' · ')
        : (statusText[s.status] ?? (s.status === op.StageStatus.SKIPPED ? 'nothing to do' : 'done'));
    return (
        <div data-testid={`progress-${s.name}`} data-status={s.status} className={classes.run}>
            <div className={classes.steps} aria-hidden="true">
                {Array.from({length: total}, (_, i) => (
                    <span
                        key={i}
                        className={classes.step}
                        data-step={i < s.passed ? 'passed' : active && i === s.passed ? 'checking' : 'to-do'}
                    />
                ))}
            </div>
            <Text size="xs" truncate title={detail} data-testid={active ? `waiting-${s.name}` : undefined}>
                {s.passed} of {total} check{total === 1 ? '' : 's'} · {detail}
            </Text>
        </div>
    );
}

function gateText(s: StageView): string {
    const kinds = (s.gates ?? []).map((g) => g.kind).filter((k) => k !== 'running');
    return 'gates: ' + (kinds.length ? kinds.join(', ') : 'running');
}
