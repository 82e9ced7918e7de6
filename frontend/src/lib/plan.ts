import type {Gate} from '../api/types';
import {duration} from './format';

/** What will happen to an instance (orchestrate.Do*), in words. */
export const doText: Record<string, string> = {
    start: 'will be started',
    'already-running': 'already running; its gates are checked',
    wait: 'pending; waited for until running',
    'start-when-stopped': 'stopping; started once stopped',
    stop: 'will be stopped',
    'stop-when-running': 'pending; stopped once running',
    'wait-stopped': 'stopping; waited for until stopped',
    'already-stopped': 'already stopped; nothing to do',
    cannot: 'terminated or shutting down; cannot act',
};

/** A gate as the run names it: "tcp 5432", "http http://…", "delay 30s". */
export function gateText(g: Gate): string {
    switch (g.kind) {
        case 'tcp':
            return `tcp ${g.port}`;
        case 'http':
            return `http ${g.url}`;
        case 'delay':
            return `delay ${duration(g.delaySeconds ?? 0)}`;
        default:
            return g.kind;
    }
}
