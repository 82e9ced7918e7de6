// Lays stages out as columns by depth: a stage sits one column right of the
// deepest stage it comes after. Pure geometry, so the SVG connectors need no
// DOM measuring and the layout is testable.

export interface StageNode {
    name: string;
    after: string[];
}

export interface PlacedStage {
    name: string;
    column: number;
    row: number;
}

export interface Edge {
    from: string;
    to: string;
}

export interface Layout {
    placed: PlacedStage[];
    edges: Edge[];
    columns: number;
    rows: number;
}

export function layoutStages(stages: StageNode[]): Layout {
    const byName = new Map(stages.map((s) => [s.name, s]));
    const depth = new Map<string, number>();
    const visiting = new Set<string>();
    // A cycle is a file error the parser reports; here it must only not loop.
    const depthOf = (name: string): number => {
        const known = depth.get(name);
        if (known !== undefined) return known;
        if (visiting.has(name)) return 0;
        visiting.add(name);
        const deps = (byName.get(name)?.after ?? []).filter((a) => byName.has(a));
        const d = deps.length ? Math.max(...deps.map(depthOf)) + 1 : 0;
        visiting.delete(name);
        depth.set(name, d);
        return d;
    };
    const rowsUsed: number[] = [];
    const placed = stages.map((s) => {
        const column = depthOf(s.name);
        const row = rowsUsed[column] ?? 0;
        rowsUsed[column] = row + 1;
        return {name: s.name, column, row};
    });
    const edges = stages.flatMap((s) =>
        (s.after ?? []).filter((a) => byName.has(a)).map((a) => ({from: a, to: s.name})),
    );
    return {
        placed,
        edges,
        columns: rowsUsed.length,
        rows: Math.max(0, ...rowsUsed.map((r) => r ?? 0)),
    };
}
