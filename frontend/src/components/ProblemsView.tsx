import {Alert, Code, Stack, Text} from '@mantine/core';
import type {ProblemView} from '../api/types';

interface Props {
    problems: ProblemView[];
    /** The last good version is still usable (Plan/Start/Stop use it). */
    usable: boolean;
}

/** A broken file's problems, each as FILE:LINE:COL with the offending line and a caret. */
export function ProblemsView({problems, usable}: Props) {
    return (
        <Stack gap="xs" role="region" aria-label="File problems" data-testid="problems">
            <Alert
                role="note"
                color={usable ? 'yellow' : 'red'}
                title={usable ? 'The file has problems' : 'The file cannot be used'}
            >
                {usable
                    ? 'The last good version of this environment is still usable: plans, starts and stops use it until the file is fixed.'
                    : 'Fix the file; the window picks up the change as soon as it is saved.'}
            </Alert>
            {problems.map((p, i) => (
                <div key={i} data-testid="problem">
                    <Text size="sm" ff="monospace" fw={600}>
                        {p.file}:{p.line}:{p.col}
                    </Text>
                    <Text size="sm">{p.message}</Text>
                    {p.source && (
                        <Code block aria-label={`Line ${p.line}`}>
                            {`${String(p.line).padStart(4, ' ')} | ${p.source}\n${' '.repeat(7 + Math.max(0, p.col - 1))}^`}
                        </Code>
                    )}
                </div>
            ))}
        </Stack>
    );
}
