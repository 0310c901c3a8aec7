// The demo page's states beyond the happy path, in real Chromium: a relay
// that refuses the token, one that is gone, programs that exit with an
// error or trap, a file of the user's own, and typed input reaching stdin
// through the terminal's line discipline. Screenshots in test-results/browser/.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelayServer } from '../../host/src/relay/server.js';
import { assertBuilt, freePort, run as runProgram, start, waitForBound } from '../helpers/programs.js';
import { moduleImporting, trappingModule } from '../helpers/wasm-bytes.js';
import { buildPage, startBrowser, type BrowserFixture } from './helpers/browser.js';
import { choosePreset, configure, openDemo, run, screen, screenshot, setNetwork, state, terminalText, waitForEnd, waitForRelay, waitForText, type DemoPage } from './helpers/demo-page.js';

let browser: BrowserFixture;
const pages: DemoPage[] = [];

async function demo(url = browser.relay.url): Promise<DemoPage> {
  const d = await openDemo(browser.context, url);
  pages.push(d);
  return d;
}

beforeAll(async () => {
  browser = await startBrowser();
});

afterEach(async () => {
  for (const d of pages.splice(0)) await d.page.close();
});

afterAll(async () => {
  await browser?.close();
});

describe('relay states', () => {
  it('says so when the relay rejects the token, and programs do not start', async () => {
    const url = new URL(browser.relay.url);
    url.searchParams.set('token', 'not-the-token');
    const { page } = await demo(url.href);
    await waitForRelay(page, 'rejected');
    await expect(page.textContent('[data-testid=relay-status]')).resolves.toBe('relay token rejected');
    await configure(page, 1, 'client', '127.0.0.1 9');
    await page.click('[data-testid=run-1]');
    await page.waitForFunction(() => window.wasock.state(1).kind === 'failed');
    const failed = await state(page, 1);
    expect(failed.kind === 'failed' && failed.message).toMatch(/^relay: .*token/);
    await screenshot(page, 'state-token-rejected');
  });

  it('asks for the token when the page URL has none', async () => {
    const url = new URL(browser.relay.url);
    url.search = '';
    const { page } = await demo(url.href);
    // Without a token the page starts on the in-page network.
    expect(await page.evaluate(() => window.wasock.network().mode)).toBe('virtual');
    await page.click('[data-testid=network-relay]');
    await waitForRelay(page, 'no-token');
  });

  it('reports a lost relay, resets the programs\' connections, then reports it unreachable', async () => {
    assertBuilt('chat_server');
    assertBuilt('chat_client');
    const relay = await createRelayServer({ port: 0, staticDir: buildPage() });
    let closed = false;
    try {
      const { page } = await demo(relay.url);
      await setNetwork(page, 'relay');
      // A chat client holding a connection to a native server through this relay.
      const port = await freePort();
      const server = start('native', 'chat_server', [String(port)]);
      await waitForBound(port, 'tcp');
      await configure(page, 1, 'chat_client', `127.0.0.1 ${port}`);
      await run(page, 1);
      await waitForText(page, 1, '* welcome');
      await relay.close();
      closed = true;
      await waitForRelay(page, 'lost');
      // The connection fails instead of hanging: the client sees the server go.
      const end = await waitForEnd(page, 1, 10_000);
      const shown = await terminalText(page, 1);
      expect({ end, shown }).toEqual({ end: { kind: 'exited', code: 0 }, shown: expect.stringMatching(/connection closed by server$/) });
      server.child.kill();
      await server.done;
      await screenshot(page, 'state-relay-lost');
      // The next program tries again and finds nobody.
      await page.click('[data-testid=run-1]');
      await waitForRelay(page, 'unreachable');
      await expect(page.textContent('[data-testid=relay-status]')).resolves.toBe('relay unreachable');
      expect((await state(page, 1)).kind).toBe('failed');
      await screenshot(page, 'state-relay-unreachable');
    } finally {
      if (!closed) await relay.close();
    }
  });
});

describe('program states', () => {
  it('shows the exit code and output of a program that fails, as natively', async () => {
    const port = await freePort();
    const native = await runProgram('native', 'client', ['127.0.0.1', String(port)]);
    expect(native.code).not.toBe(0);
    const { page } = await demo();
    await setNetwork(page, 'virtual');
    await configure(page, 1, 'client', `127.0.0.1 ${port}`);
    await run(page, 1);
    expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: native.code });
    expect(screen(await terminalText(page, 1), port)).toBe(screen(native.stdout + native.stderr, port));
    await expect(page.textContent('[data-testid=message-1]')).resolves.toBe(`Exited with code ${native.code}.`);
    await expect(page.getAttribute('[data-testid=status-1]', 'data-code')).resolves.toBe(String(native.code));
    await screenshot(page, 'state-exit-code');
  });

  it('runs a .wasm file of the user\'s own and shows its trap', async () => {
    const { page } = await demo();
    await page.setInputFiles('[data-testid=pane-0] input[type=file]', { name: 'trap.wasm', mimeType: 'application/wasm', buffer: Buffer.from(trappingModule()) });
    await expect(page.inputValue('[data-testid=program-0]')).resolves.toBe('trap');
    await run(page, 0);
    const end = await waitForEnd(page, 0);
    expect(end.kind).toBe('trapped');
    expect(end.kind === 'trapped' && end.message).toMatch(/unreachable/);
    await expect(page.textContent('[data-testid=message-0]')).resolves.toMatch(/^Trapped: .*unreachable/);
    await screenshot(page, 'state-trapped');
  });

  it('refuses a file that needs imports wasock does not provide, before running it', async () => {
    const { page } = await demo();
    await page.setInputFiles('[data-testid=pane-0] input[type=file]', { name: 'odd.wasm', mimeType: 'application/wasm', buffer: Buffer.from(moduleImporting('env', 'mystery')) });
    await page.waitForFunction(() => window.wasock.state(0).kind === 'failed');
    await expect(page.textContent('[data-testid=message-0]')).resolves.toBe('odd.wasm needs import env.mystery (function), which wasock does not provide');
  });
});

describe('terminal input', () => {
  it('sends edited lines to stdin, Ctrl-D ends input, Stop ends a server', async () => {
    const { page } = await demo();
    await setNetwork(page, 'virtual');
    await choosePreset(page, 'chat');
    const port = await freePort();
    for (const pane of [0, 1, 2]) await page.fill(`[data-testid=args-${pane}]`, pane === 0 ? String(port) : `127.0.0.1 ${port}`);
    await run(page, 0);
    await waitForText(page, 0, String(port));
    await run(page, 1);
    await waitForText(page, 1, '* welcome');
    await run(page, 2);
    await waitForText(page, 1, 'joined');

    // A typo fixed with Backspace, and a word erased with Ctrl-W, before Enter.
    await page.click('[data-testid=terminal-1]');
    await page.keyboard.type('hellp');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('o wrld');
    await page.keyboard.press('Control+W');
    await page.keyboard.type('world');
    await page.keyboard.press('Enter');
    await waitForText(page, 2, ': hello world');
    // The sender's terminal shows the line as finally edited, once.
    const sender = await terminalText(page, 1);
    expect(sender.split('\n').filter((l) => l === 'hello world')).toHaveLength(1);

    await page.click('[data-testid=terminal-2]');
    await page.keyboard.type('hi back');
    await page.keyboard.press('Enter');
    await waitForText(page, 1, ': hi back');

    // Ctrl-D on an empty line: end of input, the client leaves.
    await page.click('[data-testid=terminal-1]');
    await page.keyboard.press('Control+D');
    expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: 0 });
    await waitForText(page, 2, 'left');
    await screenshot(page, 'state-chat-stdin');

    // Stop: the server is killed, its client sees the connection go, the port is free again.
    await page.click('[data-testid=run-0]');
    expect(await waitForEnd(page, 0)).toEqual({ kind: 'stopped' });
    expect(await waitForEnd(page, 2)).toEqual({ kind: 'exited', code: 0 });
    await run(page, 0);
    await waitForText(page, 0, String(port));
    expect((await state(page, 0)).kind).toBe('running');
    await page.click('[data-testid=run-0]');
    await waitForEnd(page, 0);
  });
});
