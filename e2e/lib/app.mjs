// The app under test: the real cloudcontrol binary built with Wails's `dev`
// tag (what `wails dev` builds), run on its in-process sandbox. With the
// `devserver` and `assetdir` variables set (as `wails dev` sets them) it opens
// its real window and also serves the same front end with live Go bindings
// (websocket IPC) on a loopback port, where Chromium drives it.
import {spawn, execFile, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';

export const repo = path.resolve(import.meta.dirname, '../..');

/** Copies the example environments into dir, with the scripts and templates their launch sections name. */
export function copyExamples(dir) {
    fs.mkdirSync(dir, {recursive: true});
    for (const f of ['three-tier.yaml', 'analytics.yaml', 'schema.json'])
        fs.copyFileSync(path.join(repo, 'environments', f), path.join(dir, f));
    fs.cpSync(path.join(repo, 'environments', 'launch'), path.join(dir, 'launch'), {recursive: true});
}

/** A free loopback port (closed again before the app takes it). */
export async function freePort() {
    const srv = net.createServer();
    await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
    const {port} = srv.address();
    await new Promise((ok) => srv.close(ok));
    return port;
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
async function waitPort(port, proc, timeoutMs) {
    const end = performance.now() + timeoutMs;
    while (performance.now() < end) {
        if (proc.exitCode !== null)
            throw new Error(`the app exited (code ${proc.exitCode}) before serving on port ${port}`);
        const ok = await new Promise((res) => {
            const s = net.connect(port, '127.0.0.1', () => {
                s.destroy();
                res(true);
            });
            s.on('error', () => res(false));
        });
        if (ok) return;
        await sleep(5);
    }
    throw new Error(`the app did not serve on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Starts the app. t0 (performance.now() just before spawn, and its epoch
 * equivalent t0Epoch) is the launch time the figures count from.
 */
export async function launchApp({binary, home, dirs, world, speed = 5, out, label}) {
    const port = await freePort();
    const args = ['--sandbox', '--speed', String(speed)];
    if (world) args.push('--world', world);
    for (const d of dirs) args.push('--dir', d);
    const logPath = path.join(out, `app-${label}.out`);
    const log = fs.openSync(logPath, 'w');
    const env = {
        ...process.env,
        CLOUDCONTROL_HOME: home,
        devserver: `127.0.0.1:${port}`,
        assetdir: path.join(repo, 'frontend/dist'),
        loglevel: 'Warning',
    };
    const t0 = performance.now();
    const t0Epoch = performance.timeOrigin + t0;
    const proc = spawn(binary, args, {cwd: repo, env, stdio: ['ignore', log, log]});
    fs.closeSync(log);
    await waitPort(port, proc, 30_000);
    const servingEpoch = performance.timeOrigin + performance.now();
    return {
        proc,
        port,
        url: `http://127.0.0.1:${port}/`,
        home,
        dirs,
        binary,
        t0,
        t0Epoch,
        servingEpoch,
        logPath,
        label,
    };
}

/**
 * A command of the same binary, on the app's CLOUDCONTROL_HOME (so the same
 * locks and history) and its sandbox, with the sandbox's placeholder keys and
 * no AWS files of this machine; its standard output.
 */
export async function cli(app, sandboxUrl, args) {
    const empty = path.join(app.home, 'no-aws-file');
    fs.writeFileSync(empty, '');
    const env = {
        ...process.env,
        CLOUDCONTROL_HOME: app.home,
        AWS_ENDPOINT_URL: sandboxUrl,
        AWS_ACCESS_KEY_ID: 'sandbox',
        AWS_SECRET_ACCESS_KEY: 'sandbox',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_REGION: 'eu-west-1',
        AWS_CONFIG_FILE: empty,
        AWS_SHARED_CREDENTIALS_FILE: empty,
    };
    const all = [...app.dirs.flatMap((d) => ['--dir', d]), ...args];
    return new Promise((ok, fail) =>
        execFile(app.binary, all, {cwd: repo, env, timeout: 15_000}, (err, stdout, stderr) =>
            err ? fail(new Error(`cloudcontrol ${args.join(' ')}: ${err.message}\n${stderr}`)) : ok(stdout),
        ),
    );
}

/** `cloudcontrol env status NAME --json` (see cli). */
export async function cliStatus(app, sandboxUrl, name) {
    return JSON.parse(await cli(app, sandboxUrl, ['env', 'status', name, '--json']));
}

/** The in-process sandbox's URL, from the app's log line `sandbox serving url=...`. */
export async function sandboxUrlFromLog(home, timeoutMs = 10_000) {
    const m = await waitLogLine(home, 0, /msg="sandbox serving" url=(\S+)/g, () => true, timeoutMs);
    if (!m) throw new Error(`no "sandbox serving url=..." line in ${path.join(home, 'logs', 'cloudcontrol.log')}`);
    return m[1];
}

/** The last match of re (global) in the app's log from byte `since` that keep accepts, waiting up to timeoutMs; undefined if none. */
async function waitLogLine(home, since, re, keep, timeoutMs) {
    const file = path.join(home, 'logs', 'cloudcontrol.log');
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
        const text = fs.existsSync(file) ? fs.readFileSync(file).subarray(since).toString('utf8') : '';
        const m = [...text.matchAll(re)].filter(keep).pop();
        if (m) return m;
        await sleep(50);
    }
    return undefined;
}

/** The sandbox's request log (GET /_sandbox/requests). */
export async function sandboxRequests(sandboxUrl) {
    const res = await fetch(new URL('/_sandbox/requests', sandboxUrl));
    if (!res.ok) throw new Error(`GET /_sandbox/requests: HTTP ${res.status}`);
    return res.json();
}

/** Waits for the app to exit; SIGTERM, then SIGKILL, if it takes longer. */
export async function waitExit(app, timeoutMs) {
    if (app.proc.exitCode !== null || app.proc.signalCode !== null) return true;
    const exited = new Promise((ok) => app.proc.once('exit', () => ok(true)));
    return Promise.race([exited, sleep(timeoutMs).then(() => false)]);
}

export async function stopApp(app) {
    if (!app || app.proc.exitCode !== null || app.proc.signalCode !== null) return;
    app.proc.kill('SIGTERM');
    if (!(await waitExit(app, 8_000))) {
        app.proc.kill('SIGKILL');
        await waitExit(app, 2_000);
        throw new Error(`the app (pid ${app.proc.pid}) did not exit within 8 s of SIGTERM`);
    }
}

/** Whether the real window titled `title` is mapped on the X display. */
export function windowVisible(title) {
    try {
        return (
            execFileSync('xdotool', ['search', '--onlyvisible', '--name', `^${title.replace(/[()]/g, '\\$&')}$`], {
                encoding: 'utf8',
                stdio: ['ignore', 'pipe', 'ignore'],
            }).trim() !== ''
        );
    } catch {
        return false;
    }
}

/** A screenshot of the whole X display (the real window), with ImageMagick. */
export function screenshotDisplay(file) {
    execFileSync('import', ['-window', 'root', file], {stdio: 'ignore'});
}

/**
 * Starts the production build (no dev server: the real WebKitGTK window is
 * the only front end). It logs when its environment list is on screen.
 */
export function launchWindow({binary, home, dirs, world, speed = 5, out, label}) {
    const args = ['--sandbox', '--speed', String(speed)];
    if (world) args.push('--world', world);
    for (const d of dirs) args.push('--dir', d);
    const logPath = path.join(out, `app-${label}.out`);
    const log = fs.openSync(logPath, 'w');
    const appLog = path.join(home, 'logs', 'cloudcontrol.log');
    const logOffset = fs.existsSync(appLog) ? fs.statSync(appLog).size : 0;
    const proc = spawn(binary, args, {
        cwd: repo,
        env: {...process.env, CLOUDCONTROL_HOME: home},
        stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    return {proc, home, logPath, logOffset, label};
}

/**
 * The app's own figure for a view's first environment list: the
 * `environment list on screen` line its log gets once per view, when the
 * front end says the list is on screen. Reads the log from byte `since`
 * (this launch's part); undefined if not logged within timeoutMs.
 * view: "window" (the real WebKitGTK window) or "browser".
 */
export async function listShownFromLog(home, view, since = 0, timeoutMs = 10_000) {
    const m = await waitLogLine(
        home,
        since,
        /msg="environment list on screen" view=(\w+) after_launch_ms=(\d+) page_ms=(\d+)/g,
        (x) => x[1] === view,
        timeoutMs,
    );
    return m && {afterLaunch: Number(m[2]), page: Number(m[3])};
}
