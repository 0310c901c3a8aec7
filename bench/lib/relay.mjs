// relay_bulk: bulk_client.wasm in headless Chromium, on the demo page with
// "Real sockets via relay", writing to the native bulk_server through the
// relay (`node host/relay.js`). Driven through the page's stable hooks
// (data-testid controls, window.wasock) the way the browser tests do; the
// figure is the native server's, as in tcp_bulk.
//
// Chromium is started here, not through Playwright, and driven over a bare
// DevTools connection that only ever sends Runtime.evaluate. Why: Playwright
// enables CDP network monitoring on every page, and then Chromium copies each
// WebSocket frame (base64) into the DevTools protocol, which costs the
// relayed bulk transfer about half its rate (~63 against ~120+ MB/s on the
// same machine). The benchmark must measure wasock, not the driver. The
// browser tests (test/browser) still use Playwright; they measure nothing.
//
// When a piece is missing (Chromium, the relay or page bundle) the scenario
// says which, instead of producing a number.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';
import { Program, freePort, withDeadline } from './proc.mjs';

const CHROMIUM = process.env.WASOCK_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/**
 * Added for the bare launch: Playwright passes these itself, and without
 * them a headless page counts as hidden, so Chromium may throttle its
 * timers and lower its renderer's priority in the middle of a measurement.
 * --remote-debugging-port=0: an ephemeral DevTools port, on 127.0.0.1 only,
 * through which the page is driven (start the client, read its state).
 */
const BARE_FLAGS = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
  '--no-first-run', '--no-default-browser-check', '--remote-debugging-port=0'];
/** The demo page's client pane (pane 0 is the server's by default). */
const PANE = 1;

async function unavailable() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium, or set WASOCK_CHROMIUM)`;
  try {
    await import('ws');
  } catch {
    return 'the ws package is not installed (npm ci)';
  }
  if (!existsSync(join(ROOT, 'build', 'host', 'relay.js'))) return 'the relay is not built (build/host/relay.js; run ./build.sh)';
  if (!existsSync(join(ROOT, 'tools', 'build-web.mjs'))) return 'there is no page bundler (tools/build-web.mjs)';
  try {
    // Brings build/web up to date (a no-op when it is), as the browser tests do.
    execFileSync(process.execPath, [join(ROOT, 'tools', 'build-web.mjs')], { stdio: 'pipe' });
  } catch (err) {
    return `the page does not build: ${String(err.stderr ?? err).trim().split('\n')[0]}`;
  }
  if (!existsSync(join(ROOT, 'build', 'web', 'examples', 'bulk_client.wasm'))) return 'the page does not offer bulk_client.wasm (build/web/examples)';
  return null;
}

/** Starts `node host/relay.js --port 0` and reads the page URL (with its token) from its banner. */
async function startRelay(deadlineMs) {
  const relay = Program.spawn('relay', process.execPath, [join(ROOT, 'host', 'relay.js'), '--port', '0']);
  const url = await withDeadline(deadlineMs, [], async () => {
    for (;;) {
      const m = /^open the demo: (\S+)$/m.exec(relay.stdout);
      if (m) return m[1];
      if (relay.exitStatus) throw relay.failure('exited before printing its URL');
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  return { relay, url };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Headless Chromium showing one page, and a DevTools connection to that page
 * that only evaluates expressions (no domain is ever enabled).
 */
class Browser {
  /** Launches Chromium on `url`; fails after `timeoutMs` if no page comes up. */
  static async launch(url, timeoutMs) {
    const b = new Browser();
    // A fresh profile per run: no state from an earlier run or the user's own.
    b.profile = mkdtempSync(join(tmpdir(), 'wasock-bench-chromium-'));
    b.stderr = '';
    // Own process group (detached), so close() can kill the browser together
    // with its zygotes, renderers and GPU process; the exit hook covers a
    // bench killed before it gets there.
    b.child = spawn(CHROMIUM, [...FLAGS, ...BARE_FLAGS, `--user-data-dir=${b.profile}`, url], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    b.onExit = () => b.killGroup();
    process.on('exit', b.onExit);
    b.child.stderr.setEncoding('utf8').on('data', (d) => (b.stderr = (b.stderr + d).slice(-20_000)));
    b.exited = new Promise((resolve) => {
      b.child.on('close', resolve);
      b.child.on('error', (err) => { b.stderr += String(err); resolve(-1); });
    });
    let gone = false;
    void b.exited.then(() => (gone = true));
    try {
      const until = Date.now() + timeoutMs;
      // Chromium prints the browser endpoint once it listens: take its port.
      let port;
      while (!(port = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(b.stderr)?.[1])) {
        if (gone) throw new Error(`chromium exited at start: ${b.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        if (Date.now() > until) throw new Error('chromium printed no DevTools endpoint');
        await sleep(25);
      }
      // The page's own endpoint, from the target list.
      let target;
      while (!(target = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json()).then((l) => l.find((t) => t.type === 'page')).catch(() => undefined))) {
        if (Date.now() > until) throw new Error('chromium opened no page');
        await sleep(50);
      }
      const { default: WebSocket } = await import('ws');
      b.ws = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
      await new Promise((resolve, reject) => {
        b.ws.once('open', resolve);
        b.ws.once('error', reject);
      });
      b.nextId = 1;
      b.calls = new Map();
      b.ws.on('message', (data) => {
        const msg = JSON.parse(String(data));
        const call = b.calls.get(msg.id);
        if (!call) return; // events: none are enabled, so none expected
        b.calls.delete(msg.id);
        if (msg.error) call.reject(new Error(`DevTools: ${msg.error.message}`));
        else call.resolve(msg.result);
      });
      b.ws.on('close', () => {
        for (const call of b.calls.values()) call.reject(new Error('the DevTools connection closed (chromium died?)'));
        b.calls.clear();
      });
      return b;
    } catch (err) {
      await b.close();
      throw err;
    }
  }

  /** The value of `expression` in the page (awaited when a promise). */
  async evaluate(expression) {
    const id = this.nextId++;
    const result = await new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }));
    });
    if (result.exceptionDetails) {
      const ex = result.exceptionDetails;
      throw new Error(`in the page: ${ex.exception?.description ?? ex.text}`);
    }
    return result.result.value;
  }

  /** Evaluates `expression` every `everyMs` until it is truthy; fails after `timeoutMs`. */
  async waitFor(expression, timeoutMs, what, everyMs = 100) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      // Between navigation and the page's first script the context may be
      // missing or still about:blank: treat errors as "not yet".
      const v = await this.evaluate(expression).catch((err) => (/DevTools connection closed/.test(err.message) ? Promise.reject(err) : undefined));
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
      await sleep(everyMs);
    }
  }

  killGroup() {
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  groupAlive() {
    try {
      process.kill(-this.child.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  async close() {
    this.ws?.terminate();
    this.killGroup();
    await Promise.race([this.exited, sleep(5_000)]);
    // The renderers and zygotes take a moment longer than the browser
    // process: wait (briefly) until the whole group is gone, so nothing of
    // this run competes with the next scenario for the CPUs.
    for (let i = 0; i < 100 && this.groupAlive(); i++) await sleep(20);
    process.off('exit', this.onExit);
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function openPage(url) {
  const browser = await Browser.launch(url, 30_000);
  try {
    await browser.waitFor(`document.body?.dataset.ready === 'true' || !!document.querySelector('[data-testid=fatal]')`, 30_000, 'the page to start');
    const fatal = await browser.evaluate(`document.querySelector('[data-testid=fatal]')?.innerText ?? null`);
    if (fatal !== null) throw new Error(`the page failed to start: ${fatal}`);
    // The token in the URL selects the relay network; make sure it is up.
    await browser.evaluate(`document.querySelector('[data-testid=network-relay]').click()`);
    await browser.waitFor(`window.wasock.network().relay.state === 'connected'`, 10_000, 'the relay connection');
    return browser;
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Sets pane PANE to run bulk_client with `args` and starts it, as a user would (select, type, click). */
function startClient(args) {
  return `(() => {
    const select = document.querySelector('[data-testid=program-${PANE}]');
    select.value = 'bulk_client';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const input = document.querySelector('[data-testid=args-${PANE}]');
    input.value = ${JSON.stringify(args)};
    input.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('[data-testid=run-${PANE}]').click();
    return true;
  })()`;
}

async function oneTransfer(browser, bytes, deadlineMs) {
  const port = await freePort();
  const progs = [];
  const started = Date.now();
  return withDeadline(deadlineMs, progs, async () => {
    const server = new Program('native', 'bulk_server', [String(port)]);
    progs.push(server);
    await server.waitLine('READY');
    await browser.evaluate(startClient(`127.0.0.1 ${port} ${bytes}`));
    // Polled from here (not awaited in the page) so the deadline holds even
    // if the page hangs; a quarter second is plenty for a run of seconds.
    const left = deadlineMs - (Date.now() - started);
    await browser.waitFor(`!['idle', 'starting', 'running'].includes(window.wasock.state(${PANE}).kind)`, left, 'bulk_client in the page to end', 250);
    const end = await browser.evaluate(`window.wasock.state(${PANE})`);
    if (end.kind !== 'exited' || end.code !== 0) {
      const shown = await browser.evaluate(`window.wasock.terminalText(${PANE})`);
      throw new Error(`bulk_client in the page ended ${JSON.stringify(end)}: ${shown.trim().split('\n').slice(-2).join(' | ')}`);
    }
    await server.finished();
    const r = server.result();
    if (r.extra !== `bytes=${bytes}`) throw new Error(`server received ${r.extra}, expected bytes=${bytes}`);
    return r.value;
  });
}

const MiB = 2 ** 20;
/** The smallest transfer, also the probe that sizes the measured ones. */
const PROBE_BYTES = 16 * MiB;
/**
 * The unmeasured first transfer when there is no probe (--quick). Bigger than
 * the 16 MiB measured then: the guest's code keeps getting faster over the
 * first few tens of MiB (JIT tiers), and half a second more buys a figure
 * that says how fast the relay is rather than how cold the page was.
 */
const WARM_UP_BYTES = 64 * MiB;
/** Aimed duration of one measured transfer. */
const TARGET_SECONDS = 8;

/**
 * Bytes per measured transfer: what the probe's rate moves in about
 * TARGET_SECONDS, as a power of two between PROBE_BYTES and maxBytes. At
 * the target (>= 100 MB/s) that is the full 1 GiB; a slower relay
 * gets a smaller transfer instead of blowing the run's time budget.
 */
function sizeFor(mbPerS, maxBytes) {
  const want = mbPerS * 1e6 * TARGET_SECONDS;
  let bytes = PROBE_BYTES;
  while (bytes * 2 <= Math.min(want, maxBytes)) bytes *= 2;
  return bytes;
}

/** { available: false, reason } or { available: true, values, errors, bytes }. */
export async function runRelayBulk({ maxBytes, reps, deadlineMs, log }) {
  const reason = await unavailable();
  if (reason) return { available: false, reason };
  const values = [];
  const errors = [];
  let relay;
  let browser;
  let bytes = Math.min(PROBE_BYTES, maxBytes);
  try {
    const started = await startRelay(15_000);
    relay = started.relay;
    browser = await openPage(started.url);
    if (maxBytes > PROBE_BYTES) {
      const probe = await oneTransfer(browser, PROBE_BYTES, deadlineMs);
      bytes = sizeFor(probe, maxBytes);
      log(`  probe: ${probe.toFixed(1)} MB/s with ${PROBE_BYTES / MiB} MiB, so ${bytes / MiB} MiB per run`);
    } else {
      // No probe (--quick): still run one unmeasured transfer first, as the
      // probe does in a full run. The page's first transfer pays for the
      // worker's start and the JIT warming up (about 72 against 110-155
      // MB/s for the next ones at 16 MiB), a cost of the page, not the relay.
      // Capped by the deadline like any transfer.
      const warm = await oneTransfer(browser, WARM_UP_BYTES, deadlineMs);
      log(`  warm-up: ${warm.toFixed(1)} MB/s with ${WARM_UP_BYTES / MiB} MiB (not counted)`);
    }
    for (let rep = 0; rep < reps; rep++) {
      try {
        const v = await oneTransfer(browser, bytes, deadlineMs);
        values.push(v);
        log(`  native-browser ${v.toFixed(3)} MB/s`);
      } catch (err) {
        errors.push(err.message);
        log(`  native-browser FAILED: ${err.message}`);
        // A page stuck in a transfer cannot run the next one.
        if (/timed out|Timeout/.test(err.message)) break;
      }
    }
  } catch (err) {
    errors.push(err.message);
    log(`  native-browser FAILED: ${err.message}`);
  } finally {
    await browser?.close().catch(() => {}); // kills Chromium's whole process group
    relay?.kill();
  }
  return { available: true, values, errors, bytes };
}
