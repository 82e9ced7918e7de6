import {useEffect, useMemo, type Ref} from 'react';
import {Stack} from '@mantine/core';
import {op, type EnvView, type InstanceAction} from '../api/types';
import type {Run} from '../state/dashboard';
import {measureRender} from '../lib/perf';
import {useNow} from '../lib/useNow';
import {CostPanel} from './CostPanel';
import {EnvHeader} from './EnvHeader';
import {InstanceTable, type InstanceRow} from './InstanceTable';
import {ProblemsView} from './ProblemsView';
import {RunProgress} from './RunProgress';
import {StageGraph} from './StageGraph';

interface Props {
    env: EnvView;
    run?: Run;
    cancelling?: boolean;
    onStart: () => void;
    onStop: () => void;
    onCancel: () => void;
    onResume: () => void;
    onInstanceAction: (row: InstanceRow, action: InstanceAction) => void;
    searchRef?: Ref<HTMLInputElement>;
}

/** One environment: header and actions, its run, its stages as a graph, its instances. */
export function EnvironmentView({
    env,
    run,
    cancelling,
    onStart,
    onStop,
    onCancel,
    onResume,
    onInstanceAction,
    searchRef,
}: Props) {
    const now = useNow(1000);
    const rows = useMemo<InstanceRow[]>(
        () => (env.stages ?? []).flatMap((s) => (s.instances ?? []).map((i) => ({...i, stage: s.name}))),
        [env.stages],
    );
    const running = run?.progress.outcome === op.Outcome.RUNNING;

    useEffect(() => {
        measureRender(env.name, rows.length);
    }, [env.name, rows.length]);

    return (
        <Stack gap="sm" role="main" aria-label={`Environment ${env.name}`}>
            <EnvHeader env={env} running={running} onStart={onStart} onStop={onStop} />
            {env.problems?.length > 0 && <ProblemsView problems={env.problems} usable={env.usable} />}
            {env.usable && (
                <>
                    <CostPanel env={env.name} state={env.state} now={now} />
                    {run && (
                        <RunProgress
                            run={run}
                            now={now}
                            onCancel={onCancel}
                            onResume={onResume}
                            cancelling={cancelling}
                        />
                    )}
                    {env.stages?.length > 0 && (
                        <StageGraph stages={env.stages} progress={running ? run.progress : undefined} />
                    )}
                    <InstanceTable
                        rows={rows}
                        now={now}
                        onAction={onInstanceAction}
                        busy={!!env.busy || running}
                        searchRef={searchRef}
                    />
                </>
            )}
        </Stack>
    );
}
