import {ActionIcon, Alert, Button, Group, Modal, Stack, Text} from '@mantine/core';

interface Props {
    opened: boolean;
    folders: string[];
    /** The settings file is damaged: shown until it is fixed or removed. */
    problem?: string;
    error?: string;
    busy?: boolean;
    onAdd: () => void;
    onRemove: (path: string) => void;
    onClose: () => void;
}

/** The watched environment folders; adding one opens the native folder dialog (Go side). */
export function SettingsDialog({opened, folders, problem, error, busy, onAdd, onRemove, onClose}: Props) {
    return (
        <Modal opened={opened} onClose={onClose} title="Settings" size="lg">
            {problem && (
                <Alert color="red" mb="sm" title="Settings are not saved" data-testid="settings-file-problem">
                    {problem}
                </Alert>
            )}
            <Text fw={600} size="sm" mb={4}>
                Environment folders
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
                Every YAML file in these folders is an environment; edits are picked up live. The first folder wins on a
                name clash.
            </Text>
            <Stack gap={4} role="list" aria-label="Environment folders">
                {folders.length === 0 && <Text size="sm">No folders.</Text>}
                {folders.map((f) => (
                    <Group key={f} role="listitem" aria-label={f} justify="space-between" wrap="nowrap">
                        <Text size="sm" ff="monospace" truncate>
                            {f}
                        </Text>
                        <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove folder ${f}`}
                            onClick={() => onRemove(f)}
                            disabled={busy}
                        >
                            ✕
                        </ActionIcon>
                    </Group>
                ))}
            </Stack>
            {error && !(problem && error.includes(problem)) && (
                <Alert color="red" mt="sm" role="alert">
                    {error}
                </Alert>
            )}
            <Button mt="md" onClick={onAdd} loading={busy}>
                Add folder…
            </Button>
        </Modal>
    );
}
