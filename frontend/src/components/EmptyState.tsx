import {Button, Code, Group, Paper, Stack, Text, Title} from '@mantine/core';

interface Props {
    folders: string[];
    onAddFolder: () => void;
    onOpenExamples: () => void;
}

/** The first run, or folders with nothing in them: what an environment is and how to get one. */
export function EmptyState({folders, onAddFolder, onOpenExamples}: Props) {
    return (
        <Paper withBorder p="xl" maw={640} mx="auto" mt="xl" role="region" aria-label="No environments yet">
            <Stack gap="sm">
                <Title order={2} size="h3">
                    No environments yet
                </Title>
                <Text size="sm">
                    An environment is a YAML file naming the instances of a test setup, in stages: which start first,
                    which wait for a port or a URL. Cloud Control starts them in that order, stops them in reverse, and
                    shows what they cost.
                </Text>
                <Text size="sm">
                    {folders.length
                        ? 'The watched folders hold no environment files yet:'
                        : 'No folder is watched yet. Add the folder that holds your environment files,'}{' '}
                    or open the examples (a three-tier web shop and an analytics pipeline) to copy one and edit it.
                </Text>
                {folders.length > 0 && (
                    <Stack gap={2}>
                        {folders.map((f) => (
                            <Code key={f}>{f}</Code>
                        ))}
                    </Stack>
                )}
                <Group gap="sm" mt="xs">
                    <Button onClick={onAddFolder}>Add folder…</Button>
                    <Button variant="default" onClick={onOpenExamples}>
                        Open the examples
                    </Button>
                </Group>
            </Stack>
        </Paper>
    );
}
