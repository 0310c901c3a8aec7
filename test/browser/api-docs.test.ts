// docs/api.md's page examples in Chromium, each page exactly as written
// (port 8080 and 9000 replaced by free ones), with the package's browser
// files where the page's import map expects them (node_modules/wasock/…)
// and the programs the docs name beside it. The in-page examples are
// served by a plain static file server (no COOP/COEP) and run in JSPI mode,
// the page not isolated (coi.js isolates a page only where the browser
// has no JSPI); the relay example by the relay itself, opened with its token.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayServer } from '../../host/src/relay/server.js';
import { DOC_PROGRAMS, docExamples, type DocExample } from '../helpers/doc-examples.js';
import { freePort, programPath, ROOT } from '../helpers/programs.js';
import { SCREENSHOTS, startBrowser, type BrowserFixture } from './helpers/browser.js';
import { serveStatic } from './helpers/static-server.js';

const pages = docExamples().filter((e) => e.lang === 'html');
let browser: BrowserFixture;
const scratch = mkdtempSync(join(tmpdir(), 'wasock-docpages-'));

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build-host.mjs')], { stdio: 'pipe' });
  browser = await startBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A folder as a user's site would have it: the page, coi.js, the package's browser build, the programs. */
async function site(example: DocExample): Promise<{ dir: string; ports: number[] }> {
  const dir = join(scratch, example.name);
  const browserBuild = join(dir, 'node_modules', 'wasock', 'build', 'browser');
  mkdirSync(browserBuild, { recursive: true });
  for (const f of ['index.js', 'guest-worker.js', 'coi.js']) copyFileSync(join(ROOT, 'build', 'browser', f), join(browserBuild, f));
  copyFileSync(join(ROOT, 'build', 'browser', 'coi.js'), join(dir, 'coi.js'));
  for (const name of DOC_PROGRAMS) copyFileSync(programPath('wasm', name), join(dir, `${name}.wasm`));
  const ports = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'index.html'), example.code.split('8080').join(String(ports[0])).split('9000').join(String(ports[1])));
  return { dir, ports };
}

async function runPage(example: DocExample, url: string): Promise<{ done: string; out: string; isolated: boolean }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // The relay's probe answers 426 on purpose (networks.ts); a page without an icon asks for /favicon.ico.
    if (msg.type() === 'error' && !/status of 426/.test(msg.text()) && !msg.location().url.endsWith('/favicon.ico')) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  try {
    await page.waitForSelector('body[data-done]', { timeout: 20_000 });
  } catch {
    throw new Error(`${example.name} did not finish: ${JSON.stringify(await page.textContent('body').catch(() => ''))} ${problems.join('; ')}`);
  }
  const result = { done: (await page.getAttribute('body', 'data-done'))!, out: (await page.textContent('#out'))!, isolated: await page.evaluate(() => crossOriginIsolated) };
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `api-docs-${example.name}.png`) });
  expect(problems).toEqual([]);
  await page.close();
  return result;
}

describe('docs/api.md, page examples', () => {
  it('has them', () => {
    expect(pages.map((e) => e.name)).toEqual(['page-in-page-network', 'page-stdin-trace-stop', 'page-relay']);
  });

  it('page-in-page-network: ten lines, from a plain static server, in JSPI mode (not isolated: no shared memory)', async () => {
    const example = pages.find((e) => e.name === 'page-in-page-network')!;
    expect(example.code.trim().split('\n')).toHaveLength(10);
    const { dir } = await site(example);
    const web = await serveStatic(dir);
    try {
      const { done, out, isolated } = await runPage(example, web.url);
      // Chromium has JSPI: coi.js leaves the page alone, and worker mode could not run in it.
      expect(isolated).toBe(false);
      expect(done).toBe('client 0, server 0');
      expect(out).toContain('Received: Hello from the server!');
      expect(out).toContain('Connection from 127.0.0.1');
    } finally {
      await web.close();
    }
  });

  it('page-stdin-trace-stop', async () => {
    const example = pages.find((e) => e.name === 'page-stdin-trace-stop')!;
    const { dir } = await site(example);
    const web = await serveStatic(dir);
    try {
      const { done, out } = await runPage(example, web.url);
      expect(done).toMatch(/^client 0, server 143, bind\(\d+, 0\.0\.0\.0:\d+\) = 0 listen\(\d+, 10\) = 0$/);
      expect(out).toContain('client 1: hello from the page');
    } finally {
      await web.close();
    }
  });

  it('page-relay: real sockets, the server bound on this host', async () => {
    const example = pages.find((e) => e.name === 'page-relay')!;
    const { dir } = await site(example);
    const relay = await createRelayServer({ port: 0, staticDir: dir });
    try {
      const { done, out } = await runPage(example, relay.url);
      expect(done).toBe('client 0, server 0');
      expect(out).toContain('Received: Hello from the server!');
    } finally {
      await relay.close();
    }
  });
});
