// The app's front end in WebKitGTK, the engine of its real window, driven
// over W3C WebDriver: WebKitWebDriver (Debian's webkit2gtk-driver) runs
// MiniBrowser from the same libwebkit2gtk-4.1 the window uses, so layout and
// fonts are the window's own. Chromium (Playwright) measures with its own
// font metrics; what must fit in the real window is checked here.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {freePort} from './app.mjs';

/** libwebkit2gtk-4.1's MiniBrowser, wherever this machine's multiarch puts it. */
function miniBrowser() {
    for (const dir of fs.readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu'))) {
        const bin = path.join('/usr/lib', dir, 'webkit2gtk-4.1', 'MiniBrowser');
        if (fs.existsSync(bin)) return bin;
    }
    throw new Error('no MiniBrowser under /usr/lib/*-linux-gnu/webkit2gtk-4.1: install libwebkit2gtk-4.1-0');
}

/**
 * A WebKitGTK page on url whose viewport is width x height (the window is
 * grown by MiniBrowser's own toolbar). Returns {js, screenshot, close}:
 * js(fn, ...args) runs fn in the page (its source, so it must not close over
 * anything) and resolves to its JSON result.
 */
export async function openWebKit({url, width, height, out, label}) {
    const port = await freePort();
    const logPath = path.join(out, `webkit-${label}.out`);
    const log = fs.openSync(logPath, 'w');
    const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {stdio: ['ignore', log, log]});
    fs.closeSync(log);
    const base = `http://127.0.0.1:${port}`;
    const call = async (method, p, body) => {
        const res = await fetch(base + p, {
            method,
            headers: {'content-type': 'application/json'},
            body: body && JSON.stringify(body),
            signal: AbortSignal.timeout(30_000),
        });
        const json = await res.json();
        if (!res.ok) throw new Error(`WebDriver ${method} ${p}: ${json.value?.error}: ${json.value?.message}`);
        return json.value;
    };
    let session;
    const close = async () => {
        if (session) await call('DELETE', session).catch(() => {});
        session = undefined;
        if (driver.exitCode === null) driver.kill('SIGTERM');
    };
    try {
        for (const end = Date.now() + 10_000; ; await sleep(50)) {
            const ready = await call('GET', '/status').then(
                (v) => v.ready,
                () => false,
            );
            if (ready) break;
            if (Date.now() > end || driver.exitCode !== null)
                throw new Error(`WebKitWebDriver did not start: ${fs.readFileSync(logPath, 'utf8')}`);
        }
        const created = await call('POST', '/session', {
            capabilities: {
                alwaysMatch: {
                    browserName: 'MiniBrowser',
                    'webkitgtk:browserOptions': {binary: miniBrowser(), args: ['--automation']},
                },
            },
        });
        session = `/session/${created.sessionId}`;
        const js = (fn, ...args) =>
            call('POST', `${session}/execute/async`, {
                script: `const done = arguments[arguments.length - 1];
                    Promise.resolve((${fn.toString()})(...Array.from(arguments).slice(0, -1))).then(
                        (v) => done({ok: v}), (e) => done({err: String(e && e.stack || e)}));`,
                args,
            }).then((r) => {
                if (r.err) throw new Error(`in WebKitGTK: ${r.err}`);
                return r.ok;
            });
        // Size the window so that the viewport (not the window) is width x height.
        await call('POST', `${session}/window/rect`, {width, height});
        await call('POST', `${session}/url`, {url});
        const inner = await js(() => [window.innerWidth, window.innerHeight]);
        await call('POST', `${session}/window/rect`, {width: width * 2 - inner[0], height: height * 2 - inner[1]});
        const screenshot = async (file) =>
            fs.writeFileSync(file, Buffer.from(await call('GET', `${session}/screenshot`), 'base64'));
        return {js, screenshot, close};
    } catch (err) {
        await close();
        throw err;
    }
}
