// ESLint's flat config for the end-to-end tests: plain ES modules run by
// Node, the recommended JavaScript rules. Warnings fail `npm run lint`.
import js from '@eslint/js';
import {defineConfig, globalIgnores} from 'eslint/config';
import globals from 'globals';

export default defineConfig([
    globalIgnores(['node_modules/']),
    {
        files: ['**/*.{js,mjs}'],
        extends: [js.configs.recommended],
        languageOptions: {globals: globals.node},
    },
    {
        // The functions Playwright runs inside the page (page.evaluate and friends).
        files: ['lib/page.mjs', 'tests/**/*.mjs'],
        languageOptions: {globals: {...globals.node, ...globals.browser}},
    },
]);
