import {Alert, Button, Code, Group, Stack, Text} from '@mantine/core';
import type {ProblemView} from '../api/types';

interface Props {
    problems: ProblemView[];
    /** The last good version is still usable (Plan/Start/Stop use it). */
    usable: boolean;
    onOpen: (file: string) => void;
    onReveal: (file: string) => void;
}

const TAB = 4;

/** The offending line with a caret under its column; tabs are spaced out so the caret lines up. */
export function caretLines(line: number, source: string, col: number): string {
    const expanded = source.replaceAll('\t', ' '.repeat(TAB));
    const before = [...source].slice(0, Math.max(0, col - 1)).join('');
    const at = before.replaceAll('\t', ' '.repeat(TAB)).length;
    const gutter = `${String(line).padStart(4, ' ')} | `;
    return `${gutter}${expanded}\n${' '.repeat(gutter.length + at)}^`;
}

/** A broken file's problems, each as FILE:LINE:COL with the offending line and a caret, and the file one click away. */
export function ProblemsView({problems, usable, onOpen, onReveal}: Props) {
    const files = Array.from(new Set(problems.map((p) => p.file)));
    return (
        <Stack gap="xs" role="region" aria-label="File problems" data-testid="problems">
            <Alert
                role="note"
                color={usable ? 'yellow' : 'red'}
                title={usable ? 'The file has problems' : 'The file cannot be used'}
            >
                <Text size="sm">
                    {usable
                        ? 'The last good version of this environment is still usable: plans, starts and stops use it until the file is fixed.'
                        : 'Fix the file; the window picks up the change as soon as it is saved.'}
                </Text>
                {files.map((f) => (
                    <Group key={f} gap="xs" mt="xs">
                        <Button size="compact-sm" variant="default" onClick={() => onOpen(f)}>
                            Open in editor
                        </Button>
                        <Button size="compact-sm" variant="default" onClick={() => onReveal(f)}>
                            Reveal in folder
                        </Button>
                    </Group>
                ))}
            </Alert>
            {problems.map((p, i) => (
                <div key={i} data-testid="problem">
                    <Text size="sm" ff="monospace" fw={700}>
                        {p.file}:{p.line}:{p.col}
                    </Text>
                    <Text size="sm">{p.message}</Text>
                    {p.source && (
                        <Code block aria-label={`Line ${p.line}`}>
                            {caretLines(p.line, p.source, p.col)}
                        </Code>
                    )}
                </div>
            ))}
        </Stack>
    );
}
