// `npm run build:web`'s folder served by a plain static file server (no
// COOP/COEP headers): the demo page makes itself cross-origin isolated
// (coi.js) and runs the in-page network cases in Chromium — the tutorial's
// server and client, and the UDP pair. Screenshots in test-results/browser.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/programs.js';
import { ROOT } from '../helpers/programs.js';
import { startBrowser, type BrowserFixture } from './helpers/browser.js';
import { choosePreset, configure, openDemo, run, screenshot, terminalText, waitForEnd, waitForText } from './helpers/demo-page.js';
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
    const port = await freePort();
    await choosePreset(page, 'tcp');
    await configure(page, 0, 'server', String(port));
    await configure(page, 1, 'client', `127.0.0.1 ${port}`);
    await run(page, 0);
    await waitForText(page, 0, `Server listening on port ${port}`);
    await run(page, 1);
    expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: 0 });
    expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
    expect(await terminalText(page, 1)).toContain('Received: Hello from the server!');
    await screenshot(page, 'static-web-tcp');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs the UDP pair over the in-page network', async () => {
    const { page, problems } = await openDemo(browser.context, web.url, 'worker');
    const port = await freePort();
    await choosePreset(page, 'udp');
    await configure(page, 0, 'udp_server', String(port));
    await configure(page, 1, 'udp_client', `127.0.0.1 ${port} 'hello over udp'`);
    await run(page, 0);
    await waitForText(page, 0, String(port));
    await run(page, 1);
    expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: 0 });
    expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
    expect(await terminalText(page, 0)).toContain('hello over udp');
    await screenshot(page, 'static-web-udp');
    expect(problems).toEqual([]);
    await page.close();
  });
});
