// The browser's JSPI mode with no special headers: `npm run build:web`'s
// folder served by a plain static file server (no COOP/COEP), the page not
// cross-origin isolated (no SharedArrayBuffer at all), and the in-page
// network cases in Chromium — the tutorial's server and client, and the UDP
// pair — each guest and its socket state machine in a worker of its own.
// Then the relay's network in JSPI mode. Screenshots in test-results/browser.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../helpers/programs.js';
import { startBrowser, type BrowserFixture } from './helpers/browser.js';
import { openDemo, runTcpPair, runUdpPair, screenshot, setNetwork, type DemoPage } from './helpers/demo-page.js';
import { serveStatic, type StaticServer } from './helpers/static-server.js';

let browser: BrowserFixture;
let web: StaticServer;

beforeAll(async () => {
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: 'pipe' });
  web = await serveStatic(join(ROOT, 'build', 'web'));
  browser = await startBrowser();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** The demo as a visitor opens it: no ?host-mode=, the API's own choice. */
async function plainDemo(url: string): Promise<DemoPage> {
  const demo = await openDemo(browser.context, url, null);
  expect(await demo.page.innerText('[data-testid=host-mode]')).toBe('JSPI mode');
  expect(await demo.page.evaluate(() => window.wasock.hostMode())).toBe('jspi');
  return demo;
}

describe('JSPI mode from a plain static server', () => {
  it('sends no isolation headers; the page is not isolated and says it runs in JSPI mode', async () => {
    const response = await fetch(web.url);
    expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(response.headers.get('cross-origin-embedder-policy')).toBeNull();
    const { page, problems } = await plainDemo(web.url);
    expect(await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      sab: typeof SharedArrayBuffer,
      jspi: typeof (WebAssembly as unknown as { Suspending?: unknown }).Suspending,
    }))).toEqual({ isolated: false, sab: 'undefined', jspi: 'function' });
    await screenshot(page, 'jspi-static-page');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs server.wasm and client.wasm over the in-page network', async () => {
    const demo = await plainDemo(web.url);
    await runTcpPair(demo.page, await freePort());
    expect(await demo.page.evaluate(() => crossOriginIsolated)).toBe(false);
    await screenshot(demo.page, 'jspi-static-tcp');
    expect(demo.problems).toEqual([]);
    await demo.page.close();
  });

  it('runs the UDP pair over the in-page network', async () => {
    const { page, problems } = await plainDemo(web.url);
    await runUdpPair(page, await freePort());
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await screenshot(page, 'jspi-static-udp');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('JSPI mode over the relay', () => {
  it('runs server.wasm and client.wasm with real sockets', async () => {
    const demo = await openDemo(browser.context, browser.relay.url, 'jspi');
    expect(await demo.page.innerText('[data-testid=host-mode]')).toBe('JSPI mode');
    await setNetwork(demo.page, 'relay');
    await runTcpPair(demo.page, await freePort());
    await screenshot(demo.page, 'jspi-relay-tcp');
    expect(demo.problems).toEqual([]);
    await demo.page.close();
  });
});
