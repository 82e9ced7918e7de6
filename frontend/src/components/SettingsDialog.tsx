import {
    ActionIcon,
    Alert,
    Button,
    Code,
    Divider,
    Group,
    Modal,
    SegmentedControl,
    Select,
    Stack,
    Text,
    Tooltip,
} from '@mantine/core';
import {desktop} from '../api/types';
import type {SettingsState} from '../state/useSettings';

interface Props {
    settings: SettingsState;
    folders: string[];
    /** The settings file is damaged: shown until it is fixed or removed. */
    problem?: string;
}

const notifyOptions = [
    {value: desktop.Notifications.ALL, label: 'Every start and stop that ends'},
    {value: desktop.Notifications.PROBLEMS, label: 'Only failed, cancelled or refused ones'},
    {value: desktop.Notifications.OFF, label: 'None'},
];

/** The watched folders (added with the native dialog, Go side), the colour scheme, notifications, the log file and the version. */
export function SettingsDialog({settings: s, folders, problem}: Props) {
    const v = s.view;
    return (
        <Modal opened={s.opened} onClose={s.close} title="Settings" size="lg">
            {problem && (
                <Alert color="red" mb="sm" title="Settings are not saved" data-testid="settings-file-problem">
                    {problem}
                </Alert>
            )}
            <Stack gap="md">
                <section aria-label="Environment folders">
                    <Text fw={700} size="sm" mb={4}>
                        Environment folders
                    </Text>
                    <Text size="xs" c="dimmed" mb="xs">
                        Every YAML file in these folders is an environment; edits are picked up live. The first folder
                        wins on a name clash.
                    </Text>
                    <Stack gap={4} role="list" aria-label="Environment folders">
                        {folders.length === 0 && <Text size="sm">No folders.</Text>}
                        {folders.map((f) => (
                            <Group key={f} role="listitem" aria-label={f} justify="space-between" wrap="nowrap">
                                <Text size="sm" ff="monospace" truncate>
                                    {f}
                                </Text>
                                <Tooltip label="Stop watching this folder">
                                    <ActionIcon
                                        variant="subtle"
                                        color="red"
                                        aria-label={`Remove folder ${f}`}
                                        onClick={() => s.remove(f)}
                                        disabled={s.busy}
                                    >
                                        ✕
                                    </ActionIcon>
                                </Tooltip>
                            </Group>
                        ))}
                    </Stack>
                    <Group gap="xs" mt="sm">
                        <Button onClick={s.add} loading={s.busy}>
                            Add folder…
                        </Button>
                        <Button variant="default" onClick={s.openExamples}>
                            Open the examples
                        </Button>
                    </Group>
                </section>
                <Divider />
                <Group align="flex-start" grow>
                    <div>
                        <Text fw={700} size="sm" mb={4} id="theme-label">
                            Colours
                        </Text>
                        <SegmentedControl
                            aria-labelledby="theme-label"
                            value={v?.theme ?? desktop.Theme.SYSTEM}
                            onChange={(t) => s.setTheme(t as desktop.Theme)}
                            data={[
                                {value: desktop.Theme.SYSTEM, label: 'System'},
                                {value: desktop.Theme.LIGHT, label: 'Light'},
                                {value: desktop.Theme.DARK, label: 'Dark'},
                            ]}
                        />
                    </div>
                    <Select
                        label="Notifications"
                        description="Desktop notifications when a run ends"
                        data={notifyOptions}
                        value={v?.notifications ?? desktop.Notifications.ALL}
                        onChange={(n) => n && s.setNotifications(n as desktop.Notifications)}
                        allowDeselect={false}
                    />
                </Group>
                <Divider />
                <section aria-label="Log and version">
                    <Text fw={700} size="sm" mb={4}>
                        Log file
                    </Text>
                    <Group gap="xs" wrap="nowrap">
                        <Code style={{overflowWrap: 'anywhere'}} data-testid="log-file">
                            {v?.logFile ?? '…'}
                        </Code>
                        <Button size="compact-sm" variant="default" onClick={s.openLog}>
                            Open
                        </Button>
                    </Group>
                    <Text size="sm" mt="sm" data-testid="app-version">
                        Cloud Control {v?.version ?? ''}
                    </Text>
                </section>
            </Stack>
            {s.error && !(problem && s.error.includes(problem)) && (
                <Alert color="red" mt="sm" role="alert">
                    {s.error}
                </Alert>
            )}
        </Modal>
    );
}
