/// <reference types="vitest/config" />
import {defineConfig} from 'vite';
import react from '@vitejs/plugin-react';

// https://vitejs.dev/config/
export default defineConfig({
    plugins: [react()],
    // The bundle is loaded from the app itself, never over a network.
    build: {chunkSizeWarningLimit: 1500},
    test: {
        environment: 'jsdom',
        setupFiles: ['./src/test/setup.ts'],
        css: false,
        // Mantine's transitions and the virtualizer need a real-ish DOM; jsdom
        // is enough once setup.ts fills in matchMedia and ResizeObserver.
        restoreMocks: true,
        // The whole window renders in jsdom: on a shared, busy machine a test may take some seconds.
        testTimeout: 20_000,
    },
});
