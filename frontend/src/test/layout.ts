import {afterAll, beforeAll} from 'vitest';

/**
 * jsdom has no layout: give elements a window-sized client box so the
 * virtualizer decides a window of rows as a browser would. Call at the top
 * of a test file.
 */
export function installFakeLayout(height = 720, width = 1200) {
    beforeAll(() => {
        Object.defineProperty(HTMLElement.prototype, 'clientHeight', {configurable: true, get: () => height});
        Object.defineProperty(HTMLElement.prototype, 'clientWidth', {configurable: true, get: () => width});
    });
    afterAll(() => {
        // The getters were added on HTMLElement; removing them restores Element's.
        delete (HTMLElement.prototype as {clientHeight?: number}).clientHeight;
        delete (HTMLElement.prototype as {clientWidth?: number}).clientWidth;
    });
}
