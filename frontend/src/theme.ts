import {createTheme, DEFAULT_THEME, Modal, type CSSVariablesResolver} from '@mantine/core';

// Fonts every desktop has, before the generic names: WebKitGTK resolves
// "system-ui" at weight 600 or 700 to a serif on some Linux desktops.
const sans =
    '-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", Roboto, Ubuntu, Cantarell, system-ui, sans-serif';
const mono =
    'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", monospace';

/**
 * Text colours of the light, subtle and outline variants and of coloured
 * text, in the light scheme: each colour's shade 9, darkened where needed
 * to read at 5:1 on its own tint (Mantine's shade 6 reads at 1.9-4.3:1).
 * lib/palette.test.ts checks every one.
 */
export const readableOnLight: Record<string, string> = {
    dark: '#141414',
    gray: '#343a40',
    red: '#b02525',
    pink: '#a61e4d',
    grape: '#862e9c',
    violet: '#5f3dc4',
    indigo: '#364fc7',
    blue: '#1864ab',
    cyan: '#0b6878',
    teal: '#087756',
    green: '#257735',
    lime: '#4a760a',
    yellow: '#8f4a00',
    orange: '#a63a0c',
};

/** The same in the dark scheme: shade 2, light on the dark tints. */
export const readableOnDark: Record<string, string> = Object.fromEntries(
    Object.entries(DEFAULT_THEME.colors).map(([name, shades]) => [name, name === 'dark' ? shades[0] : shades[2]]),
);

const perColor = (table: Record<string, string>, keys: string[]) =>
    Object.fromEntries(
        Object.entries(table).flatMap(([name, hex]) => keys.map((k) => [`--mantine-color-${name}-${k}`, hex])),
    );

const resolver: CSSVariablesResolver = () => ({
    variables: {},
    light: {
        ...perColor(readableOnLight, ['light-color', 'outline', 'text']),
        '--mantine-color-dimmed': DEFAULT_THEME.colors.gray[7],
        '--mantine-color-anchor': readableOnLight.indigo,
    },
    dark: {
        ...perColor(readableOnDark, ['light-color', 'text']),
        '--mantine-color-dimmed': DEFAULT_THEME.colors.dark[1],
        '--mantine-color-anchor': readableOnDark.indigo,
    },
});

// One theme for both colour schemes; the scheme follows Settings (system,
// light or dark). Filled colours are shade 8 with black or white text,
// whichever reads better (at least 4.5:1 either way at this threshold).
export const theme = createTheme({
    primaryColor: 'indigo',
    primaryShade: {light: 8, dark: 8},
    autoContrast: true,
    luminanceThreshold: 0.179,
    defaultRadius: 'sm',
    fontFamily: sans,
    fontFamilyMonospace: mono,
    headings: {fontFamily: sans},
    focusRing: 'auto',
    components: {
        // Every dialog's × has a name (Mantine's has none).
        Modal: Modal.extend({defaultProps: {closeButtonProps: {'aria-label': 'Close the dialog'}}}),
    },
});

export const cssVariablesResolver = resolver;
