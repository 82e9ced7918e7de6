import '@testing-library/jest-dom/vitest';
import {cleanup, configure} from '@testing-library/react';
import {afterEach, beforeEach} from 'vitest';
import {mediaQuery} from './media';

// jsdom lacks the browser APIs Mantine and the virtualizer read.
if (!window.matchMedia) window.matchMedia = (query: string) => mediaQuery(query, false);

class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
}
window.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
window.HTMLElement.prototype.scrollIntoView ??= () => {};
window.scrollTo = () => {};

// React's DOM-nesting check ("In HTML, <div> cannot be a descendant of <p>", "<p> cannot contain a nested
// <div>") only logs: a test that renders invalid markup fails here instead, so it cannot come back unseen.
const invalidNesting = /cannot be a descendant of|cannot contain a nested|cannot be a child of|validateDOMNesting/;
let nesting: string[] = [];
/** console.error's words with its %s filled in, as printed. */
const format = ([first, ...rest]: unknown[]) =>
    String(first).replace(/%[sdifoO]/g, () => (rest.length ? String(rest.shift()) : ''));
const logError = console.error.bind(console);
console.error = (...args: unknown[]) => {
    const text = format(args);
    if (invalidNesting.test(text)) nesting.push(text.split('\n')[0]);
    logError(...args);
};
beforeEach(() => {
    nesting = [];
});
afterEach(() => {
    cleanup();
    if (nesting.length) throw new Error(`React found invalid HTML nesting: ${nesting.join('; ')}`);
});

// The lazy views (Reports, with its chart library) load in a few hundred ms,
// more on a busy machine: waiting for an element allows for that.
configure({asyncUtilTimeout: 5000});
