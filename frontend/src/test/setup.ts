import '@testing-library/jest-dom/vitest';
import {cleanup, configure} from '@testing-library/react';
import {afterEach} from 'vitest';
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

afterEach(() => cleanup());

// The lazy views (Reports, with its chart library) load in a few hundred ms,
// more on a busy machine: waiting for an element allows for that.
configure({asyncUtilTimeout: 5000});
