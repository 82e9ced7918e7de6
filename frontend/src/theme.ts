import {createTheme} from '@mantine/core';

// One theme for both colour schemes; Mantine follows the OS (auto scheme).
export const theme = createTheme({
    primaryColor: 'indigo',
    defaultRadius: 'sm',
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    fontFamilyMonospace: 'ui-monospace, "SF Mono", Menlo, Consolas, monospace',
    components: {},
});
