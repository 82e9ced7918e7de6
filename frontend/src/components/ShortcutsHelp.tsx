import {ActionIcon, Kbd, Popover, Table, Text, Tooltip} from '@mantine/core';

export const shortcuts: {keys: string[]; what: string}[] = [
    {keys: ['Ctrl/⌘', 'K'], what: 'Search instances'},
    {keys: ['S'], what: 'Start the environment (shows the plan)'},
    {keys: ['X'], what: 'Stop the environment (shows the plan)'},
    {keys: ['R'], what: 'Refresh from AWS'},
    {keys: ['Alt', '↑ / ↓'], what: 'Previous / next environment'},
    {keys: ['Ctrl/⌘', ','], what: 'Settings'},
    {keys: ['?'], what: 'This help'},
    {keys: ['Esc'], what: 'Close a dialog'},
];

export function ShortcutsHelp({opened, onChange}: {opened: boolean; onChange: (o: boolean) => void}) {
    return (
        <Popover opened={opened} onChange={onChange} position="bottom-end" withArrow shadow="md">
            <Popover.Target>
                <Tooltip label="Keyboard shortcuts (?)" disabled={opened}>
                    <ActionIcon
                        variant="default"
                        size="lg"
                        aria-label="Keyboard shortcuts"
                        onClick={() => onChange(!opened)}
                    >
                        ?
                    </ActionIcon>
                </Tooltip>
            </Popover.Target>
            <Popover.Dropdown>
                <Text fw={600} size="sm" mb={4}>
                    Keyboard shortcuts
                </Text>
                <Table fz="sm" withRowBorders={false} verticalSpacing={2} aria-label="Keyboard shortcuts">
                    <Table.Tbody>
                        {shortcuts.map((s) => (
                            <Table.Tr key={s.what}>
                                <Table.Td>
                                    {s.keys.map((k, i) => (
                                        <span key={k}>
                                            {i > 0 && ' + '}
                                            <Kbd size="xs">{k}</Kbd>
                                        </span>
                                    ))}
                                </Table.Td>
                                <Table.Td>{s.what}</Table.Td>
                            </Table.Tr>
                        ))}
                    </Table.Tbody>
                </Table>
            </Popover.Dropdown>
        </Popover>
    );
}
