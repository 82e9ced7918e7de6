import {Alert, List, Text} from '@mantine/core';

/**
 * A rejection in the Go side's words: "cannot launch api into shop:\n  - a\n  - b" becomes its first
 * line as the title and every problem as an item, so none is lost in a run-on paragraph.
 */
export function Problems({title, message, testid}: {title: string; message: string; testid?: string}) {
    const lines = message.split('\n');
    const items = lines.filter((l) => /^\s*-\s+/.test(l)).map((l) => l.replace(/^\s*-\s+/, ''));
    const head = items.length ? lines.filter((l) => !/^\s*-\s+/.test(l)).join(' ') : message;
    return (
        <Alert color="red" title={title} role="alert" data-testid={testid}>
            <Text size="sm" style={{whiteSpace: 'pre-wrap'}}>
                {head}
            </Text>
            {items.length > 0 && (
                <List size="sm" mt={4}>
                    {items.map((it, i) => (
                        <List.Item key={i}>{it}</List.Item>
                    ))}
                </List>
            )}
        </Alert>
    );
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
