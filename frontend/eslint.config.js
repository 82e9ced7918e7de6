// ESLint's flat config: the recommended JavaScript and typescript-eslint
// rules and React's hooks rules (with the React Compiler's), over src and the
// build's own config. Warnings fail the check (`npm run lint` passes
// --max-warnings 0), so there is one bar: clean.
import js from '@eslint/js';
import {defineConfig, globalIgnores} from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
    // Built output, and the bindings wails generates (checked against Go instead).
    globalIgnores(['dist/', 'wailsjs/']),
    {
        files: ['**/*.{js,ts,tsx}'],
        extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
        languageOptions: {globals: globals.browser},
        rules: {
            // A leading underscore marks a parameter a signature needs and the
            // body does not (the fake API's methods), as in Go's `_`.
            '@typescript-eslint/no-unused-vars': [
                'error',
                {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_'},
            ],
            // Off: it says the React Compiler would skip a component using
            // TanStack Virtual. This build does not use the compiler, and the
            // virtualized table is measured (e2e: render and scroll figures).
            'react-hooks/incompatible-library': 'off',
        },
    },
    {
        files: ['vite.config.ts', 'eslint.config.js'],
        languageOptions: {globals: globals.node},
    },
]);
