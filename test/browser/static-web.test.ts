// `npm run build:web`'s folder served by a plain static file server (no
// COOP/COEP headers): the demo page makes itself cross-origin isolated
// (coi.js) and runs the in-page network cases in Chromium — the tutorial's
// server and client, and the UDP pair. Screenshots in test-results/browser.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../helpers/programs.js';
import { startBrowser, type BrowserFixture } from './helpers/browser.js';
import { openDemo, runTcpPair, runUdpPair, screenshot } from './helpers/demo-page.js';
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

describe('build/web from a plain static server', () => {
  it('sends no isolation headers, and the page isolates itself', async () => {
    const response = await fetch(web.url);
    expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(response.headers.get('cross-origin-embedder-policy')).toBeNull();
    const { page, problems } = await openDemo(browser.context, web.url, 'worker');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs server.wasm and client.wasm over the in-page network', async () => {
    const { page, problems } = await openDemo(browser.context, web.url, 'worker');
    await runTcpPair(page, await freePort());
    await screenshot(page, 'static-web-tcp');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs the UDP pair over the in-page network', async () => {
    const { page, problems } = await openDemo(browser.context, web.url, 'worker');
    await runUdpPair(page, await freePort());
    await screenshot(page, 'static-web-udp');
    expect(problems).toEqual([]);
    await page.close();
  });
});
