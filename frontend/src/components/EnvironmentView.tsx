import {useCallback, useEffect, useMemo, type Ref} from 'react';
import {Stack} from '@mantine/core';
import {op, type EnvView} from '../api/types';
import type {Run} from '../state/dashboard';
import type {CostEntry, CostRead} from '../state/useCosts';
import {measureRender} from '../lib/perf';
import {useNow} from '../lib/useNow';
import {CostPanel} from './CostPanel';
import {EnvHeader} from './EnvHeader';
import {InstanceTable, type InstanceRow, type RowActions} from './InstanceTable';
import {ProblemsView} from './ProblemsView';
import {RunProgress} from './RunProgress';
import {LaunchPanel} from './launch/LaunchPanel';
import {isLaunchRun} from '../state/useLaunches';
import {StageGraph} from './StageGraph';
import {DeployedSection} from './lease/DeployedSection';
import {LeasePanel} from './lease/LeasePanel';

/** What the view asks the window to do; each is App's. */
export interface EnvActions {
    start: () => void;
    stop: () => void;
    cancel: () => void;
    resume: () => void;
    stopLeft: () => void;
    dismiss: () => void;
    retry: () => void;
    history: () => void;
    openFile: (file: string) => void;
    revealFile: (file: string) => void;
    copyLog: (text: string) => void;
    saveLog: (text: string) => void;
    loadCost: (env: string, how: CostRead) => void;
    rows: RowActions;
    /** Opens the launch dialog; absent when the environment has no launch templates. */
    launch?: () => void;
}

interface Props {
    env: EnvView;
    run?: Run;
    cost?: CostEntry;
    cancelling?: boolean;
    refreshing: boolean;
    actions: EnvActions;
    searchRef?: Ref<HTMLInputElement>;
}

const upStates: string[] = [op.State.RUNNING, op.State.PARTLY, op.State.STARTING, op.State.FAILED];

/** One environment: header and next action, its run, its stages as a graph (with the run on them), its instances. */
export function EnvironmentView({env, run, cost, cancelling, refreshing, actions: a, searchRef}: Props) {
    const now = useNow(1000);
    const rows = useMemo<InstanceRow[]>(
        () => (env.stages ?? []).flatMap((s) => (s.instances ?? []).map((i) => ({...i, stage: s.name}))),
        [env.stages],
    );
    const running = run?.progress.outcome === op.Outcome.RUNNING;
    const attention = env.state === op.State.ATTENTION;
    const up = upStates.includes(env.instanceState);
    const {loadCost} = a;
    const onLoadCost = useCallback((how: CostRead) => loadCost(env.name, how), [loadCost, env.name]);

    useEffect(() => {
        measureRender(env.name, rows.length);
    }, [env.name, rows.length]);

    return (
        <Stack gap="sm" role="main" aria-label={`Environment ${env.name}`}>
            <EnvHeader
                env={env}
                running={running}
                refreshing={refreshing}
                now={now}
                onStart={a.start}
                onStop={a.stop}
                onRetry={a.retry}
                onHistory={a.history}
                onLaunch={a.launch}
            />
            {env.problems?.length > 0 && (
                <ProblemsView problems={env.problems} usable={env.usable} onOpen={a.openFile} onReveal={a.revealFile} />
            )}
            {env.usable && (
                <>
                    <CostPanel env={env.name} state={env.state} up={up} cost={cost} onLoad={onLoadCost} now={now} />
                    {up && (
                        <LeasePanel
                            env={env.name}
                            who={env.who}
                            now={now}
                            blocked={running ? 'A run is in progress' : env.busy ? `Busy: ${env.busy.action}` : ''}
                        />
                    )}
                    {run && isLaunchRun(run.progress) && (
                        <LaunchPanel
                            run={run}
                            now={now}
                            cancelling={cancelling}
                            onCancel={a.cancel}
                            onCopyLog={a.copyLog}
                            onSaveLog={a.saveLog}
                        />
                    )}
                    {run && !isLaunchRun(run.progress) && (
                        <RunProgress
                            run={run}
                            now={now}
                            attention={attention}
                            up={up}
                            onCancel={a.cancel}
                            onResume={a.resume}
                            onStopLeft={a.stopLeft}
                            onDismiss={a.dismiss}
                            onCopyLog={a.copyLog}
                            onSaveLog={a.saveLog}
                            cancelling={cancelling}
                        />
                    )}
                    {env.stages?.length > 0 && (
                        <StageGraph
                            stages={env.stages}
                            // The latest run is drawn on its stages (a refusal has none).
                            progress={
                                run && run.progress.outcome !== op.Outcome.REFUSED && !isLaunchRun(run.progress)
                                    ? run.progress
                                    : undefined
                            }
                            now={now}
                        />
                    )}
                    <DeployedSection env={env.name} leaseUntil={env.who?.leaseUntil} />
                    <InstanceTable
                        rows={rows}
                        now={now}
                        actions={a.rows}
                        busy={!!env.busy || running}
                        searchRef={searchRef}
                    />
                </>
            )}
        </Stack>
    );
}
