// A program's directory on the demo page (issue #14), in real Chromium: a
// file added through the page's own file input lands in /data, the C
// program (c-src/examples/upcase.c) reads it and writes its output there
// with the common calls (create, write, rename, mkdir, unlink, rmdir, list),
// and the output comes back through the page's download link. The program
// prints what the native build prints on a real directory, and the
// downloaded bytes are the native build's bytes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, run as runProgram } from '../helpers/programs.js';
import { startBrowser, type BrowserFixture } from './helpers/browser.js';
import { configure, openDemo, run, screen, screenshot, setNetwork, terminalText, waitForEnd, type DemoPage } from './helpers/demo-page.js';

let browser: BrowserFixture;
const pages: DemoPage[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  browser = await startBrowser();
});

afterEach(async () => {
  for (const d of pages.splice(0)) await d.page.close();
});

afterAll(async () => {
  await browser?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every byte value, some text, and a run longer than one write buffer. */
function input(): Buffer {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([Buffer.from('Hello, browser files!\n'), all, Buffer.alloc(70_000, 'abcXYZ\n'), all]);
}

function upcased(bytes: Buffer): Buffer {
  return Buffer.from(bytes.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b)));
}

/** upcase natively on a real directory: what it prints and the file it writes. */
async function native(data: Buffer): Promise<{ stdout: string; out: Buffer }> {
  assertBuilt('upcase');
  const dir = mkdtempSync(join(tmpdir(), 'wasock-upcase-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'in.txt'), data);
  const r = await runProgram('native', 'upcase', [join(dir, 'in.txt'), join(dir, 'out.txt')]);
  expect(r.code, r.stderr).toBe(0);
  return { stdout: r.stdout, out: readFileSync(join(dir, 'out.txt')) };
}

async function download(d: DemoPage, pane: number, path: string): Promise<Buffer> {
  const [file] = await Promise.all([
    d.page.waitForEvent('download'),
    d.page.click(`[data-testid=dir-download-${pane}][data-path="${path}"]`),
  ]);
  expect(file.suggestedFilename()).toBe(path.split('/').pop());
  return readFileSync(await file.path());
}

describe('the program\'s directory, /data', () => {
  it('takes an uploaded file, runs upcase.wasm on it, and downloads the file it wrote', async () => {
    const data = input();
    const expected = await native(data);
    expect(expected.out).toEqual(upcased(data));

    const d = await openDemo(browser.context, browser.relay.url);
    pages.push(d);
    const { page } = d;
    await setNetwork(page, 'virtual');
    await configure(page, 0, 'upcase', '/data/in.txt /data/out.txt');
    await page.setInputFiles('[data-testid=dir-input-0]', { name: 'in.txt', mimeType: 'text/plain', buffer: data });
    await page.waitForFunction(() => window.wasock.files(0).some((f) => f.path === 'in.txt'));
    expect(await page.evaluate(() => window.wasock.files(0))).toEqual([{ path: 'in.txt', size: data.length }]);

    await run(page, 0);
    expect({ end: await waitForEnd(page, 0), shown: await terminalText(page, 0) }).toEqual({ end: { kind: 'exited', code: 0 }, shown: expect.anything() });
    // The same calls as on a real directory give the same listing and sizes.
    expect(screen(await terminalText(page, 0), 0)).toBe(screen(expected.stdout, 0));
    // out.txt.tmp was renamed away, the scratch directory removed.
    expect(await page.evaluate(() => window.wasock.files(0))).toEqual([
      { path: 'in.txt', size: data.length },
      { path: 'out.txt', size: data.length },
    ]);
    await screenshot(page, 'files-upcase');

    const out = await download(d, 0, 'out.txt');
    expect(out.length).toBe(expected.out.length);
    expect(out.equals(expected.out)).toBe(true);
    // The input comes back untouched too.
    expect((await download(d, 0, 'in.txt')).equals(data)).toBe(true);
    expect(d.problems).toEqual([]);
  });

  it('keeps the directory for the next run, and a program without the file fails as natively', async () => {
    const d = await openDemo(browser.context, browser.relay.url);
    pages.push(d);
    const { page } = d;
    await setNetwork(page, 'virtual');
    await configure(page, 0, 'upcase', '/data/missing.txt /data/out.txt');
    await run(page, 0);
    expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 1 });
    expect(await terminalText(page, 0)).toContain('upcase: cannot open /data/missing.txt: No such file or directory');

    await page.setInputFiles('[data-testid=dir-input-0]', { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('first\n') });
    await page.waitForFunction(() => window.wasock.files(0).length === 1);
    await configure(page, 0, 'upcase', '/data/a.txt /data/b.txt');
    await run(page, 0);
    expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
    // The second run starts from what the first left: b.txt becomes its input.
    await configure(page, 0, 'upcase', '/data/b.txt /data/c.txt');
    await run(page, 0);
    expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
    expect((await page.evaluate(() => window.wasock.files(0))).map((f) => f.path)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect((await download(d, 0, 'c.txt')).toString()).toBe('FIRST\n');
  });
});
