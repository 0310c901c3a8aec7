// relay_bulk: bulk_client.wasm in headless Chromium, on the demo page with
// "Real sockets via relay", writing to the native bulk_server through the
// relay (`node host/relay.js`). Driven through the page's stable hooks
// (data-testid controls, window.wasock) the way the browser tests do; the
// figure is the native server's, as in tcp_bulk.
//
// When a piece is missing (Chromium, playwright-core, the relay or page
// bundle) the scenario says which, instead of producing a number.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';
import { Program, freePort, withDeadline } from './proc.mjs';

const CHROMIUM = process.env.WASOCK_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The demo page's client pane (pane 0 is the server's by default). */
const PANE = 1;

async function unavailable() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium, or set WASOCK_CHROMIUM)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci)';
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

async function openPage(browser, url) {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"], [data-testid=fatal]');
  const fatal = await page.$('[data-testid=fatal]');
  if (fatal) throw new Error(`the page failed to start: ${await fatal.innerText()}`);
  // The token in the URL selects the relay network; make sure it is up.
  await page.click('[data-testid=network-relay]');
  await page.waitForFunction(() => window.wasock.network().relay.state === 'connected', null, { timeout: 10_000 });
  return page;
}

async function oneTransfer(page, bytes, deadlineMs) {
  const port = await freePort();
  const progs = [];
  return withDeadline(deadlineMs, progs, async () => {
    const server = new Program('native', 'bulk_server', [String(port)]);
    progs.push(server);
    await server.waitLine('READY');
    await page.selectOption(`[data-testid=program-${PANE}]`, 'bulk_client');
    await page.fill(`[data-testid=args-${PANE}]`, `127.0.0.1 ${port} ${bytes}`);
    await page.click(`[data-testid=run-${PANE}]`);
    await page.waitForFunction((i) => !['idle', 'starting', 'running'].includes(window.wasock.state(i).kind), PANE, { timeout: deadlineMs, polling: 50 });
    const end = await page.evaluate((i) => window.wasock.state(i), PANE);
    if (end.kind !== 'exited' || end.code !== 0) {
      const shown = await page.evaluate((i) => window.wasock.terminalText(i), PANE);
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
  const { chromium } = await import('playwright-core');
  const values = [];
  const errors = [];
  let relay;
  let browser;
  let bytes = Math.min(PROBE_BYTES, maxBytes);
  try {
    const started = await startRelay(15_000);
    relay = started.relay;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
    const page = await openPage(browser, started.url);
    if (maxBytes > PROBE_BYTES) {
      const probe = await oneTransfer(page, PROBE_BYTES, deadlineMs);
      bytes = sizeFor(probe, maxBytes);
      log(`  probe: ${probe.toFixed(1)} MB/s with ${PROBE_BYTES / MiB} MiB, so ${bytes / MiB} MiB per run`);
    }
    for (let rep = 0; rep < reps; rep++) {
      try {
        const v = await oneTransfer(page, bytes, deadlineMs);
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
    await browser?.close().catch(() => {});
    relay?.kill();
  }
  return { available: true, values, errors, bytes };
}
