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
