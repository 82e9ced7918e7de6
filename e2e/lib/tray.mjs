// The tray, headless: a fake StatusNotifierWatcher (snwatcher, Go) owns the
// watcher's name on the private session bus, so the app's tray registers
// with it; the test then reads and clicks the tray's menu over DBus with
// busctl, as a panel would (com.canonical.dbusmenu GetLayout / Event).
import {spawn, execFileSync} from 'node:child_process';
import readline from 'node:readline';
import {setTimeout as sleep} from 'node:timers/promises';

/** Starts the fake watcher; resolves once it owns its name. */
export async function startWatcher(binary) {
    const proc = spawn(binary, [], {stdio: ['pipe', 'pipe', 'inherit']});
    const registered = [];
    const lines = readline.createInterface({input: proc.stdout});
    const ready = new Promise((ok, fail) => {
        lines.on('line', (l) => {
            if (l === 'ready') ok();
            const m = /^registered (\S+) (\S+)$/.exec(l);
            if (m) registered.push({sender: m[1], path: m[2]});
        });
        proc.once('exit', (code) => fail(new Error(`snwatcher exited (code ${code}) before it was ready`)));
    });
    await ready;
    return {
        proc,
        registered,
        /** The bus name of the latest item that registered after `since` registrations. */
        async nextItem(since, timeoutMs = 10_000) {
            const end = Date.now() + timeoutMs;
            while (Date.now() < end) {
                if (registered.length > since) return registered[registered.length - 1].sender;
                await sleep(20);
            }
            throw new Error("the app's tray never registered with the StatusNotifierWatcher");
        },
        stop() {
            proc.stdin.end();
        },
    };
}

function busctl(args) {
    return execFileSync('busctl', ['--user', ...args], {encoding: 'utf8', timeout: 5_000});
}

/** The tray menu as a flat list of {id, label, visible, enabled, type, depth}. */
export function trayLayout(service) {
    const out = busctl([
        '--json=short',
        'call',
        service,
        '/StatusNotifierItem/menu',
        'com.canonical.dbusmenu',
        'GetLayout',
        'iias',
        '--',
        '0',
        '-1',
        '0',
    ]);
    const [, root] = JSON.parse(out).data;
    const items = [];
    const walk = ([id, props, children], depth) => {
        const p = (k, d) => (props[k] ? props[k].data : d);
        if (id !== 0)
            items.push({
                id,
                label: p('label', ''),
                visible: p('visible', true),
                enabled: p('enabled', true),
                type: p('type', 'standard'),
                depth,
            });
        for (const c of children) walk(c.data, depth + 1);
    };
    walk(root, 0);
    return items;
}

/** Clicks a tray menu item by its dbusmenu id. */
export function trayClick(service, id) {
    busctl([
        'call',
        service,
        '/StatusNotifierItem/menu',
        'com.canonical.dbusmenu',
        'Event',
        'isvu',
        '--',
        String(id),
        'clicked',
        's',
        '',
        '0',
    ]);
}
