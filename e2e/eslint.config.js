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
        // The functions run inside the page (Playwright's page.evaluate, WebDriver's execute).
        files: ['lib/page.mjs', 'lib/webkit.mjs', 'tests/**/*.mjs'],
        languageOptions: {globals: {...globals.node, ...globals.browser}},
    },
]);
