// Driving the demo page through its stable hooks: data-testid attributes for
// the controls and window.wasock (web/test-api.ts) for what the terminals,
// the panes and the diagram show.

import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { WasockTestApi } from '../../../web/test-api.js';
import type { PaneState } from '../../../web/pane.js';
import { SCREENSHOTS } from './browser.js';

declare global {
  interface Window {
    wasock: WasockTestApi;
  }
}

export interface DemoPage {
  page: Page;
  /** Console errors and uncaught exceptions, for failure messages. */
  problems: string[];
}

/**
 * The host mode the demo tests ask the page for (?host-mode=): worker mode
 * unless WASOCK_HOST_MODE=jspi, as for the Node suites; Chromium has JSPI
 * either way, so both run in the same browser.
 */
export function demoHostMode(): 'worker' | 'jspi' {
  return process.env.WASOCK_HOST_MODE === 'jspi' ? 'jspi' : 'worker';
}

export async function openDemo(context: BrowserContext, url: string, hostMode: 'worker' | 'jspi' | null = demoHostMode()): Promise<DemoPage> {
  const page = await context.newPage();
  if (hostMode !== null) {
    const withMode = new URL(url);
    withMode.searchParams.set('host-mode', hostMode);
    url = withMode.href;
  }
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // The relay answers its HTTP probe with 426 on purpose (web/relay-link.ts).
    if (msg.type() === 'error' && !/status of 426/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"], [data-testid=fatal]');
  const fatal = await page.$('[data-testid=fatal]');
  if (fatal) throw new Error(`the page failed to start: ${await fatal.innerText()}`);
  if (hostMode !== null) expect(await page.evaluate(() => window.wasock.hostMode())).toBe(hostMode);
  return { page, problems };
}

export async function setNetwork(page: Page, mode: 'virtual' | 'relay'): Promise<void> {
  await page.click(`[data-testid=network-${mode}]`);
  if (mode === 'relay') await waitForRelay(page, 'connected');
}

export async function waitForRelay(page: Page, state: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction((s) => window.wasock.network().relay.state === s, state, { timeout: timeoutMs });
}

export async function choosePreset(page: Page, id: string): Promise<void> {
  await page.selectOption('[data-testid=preset]', id);
}

export async function configure(page: Page, pane: number, program: string, args: string): Promise<void> {
  await page.selectOption(`[data-testid=program-${pane}]`, program);
  await page.fill(`[data-testid=args-${pane}]`, args);
}

export async function run(page: Page, pane: number): Promise<void> {
  await page.click(`[data-testid=run-${pane}]`);
  await page.waitForFunction((i) => window.wasock.state(i).kind !== 'idle' && window.wasock.state(i).kind !== 'starting', pane);
}

export function terminalText(page: Page, pane: number): Promise<string> {
  return page.evaluate((i) => window.wasock.terminalText(i), pane);
}

export async function waitForText(page: Page, pane: number, text: string, timeoutMs = 10_000): Promise<void> {
  // Polled from here: terminalText is async (it waits for pending writes to
  // reach the screen), and page.waitForFunction would take its promise for a
  // truthy answer.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await terminalText(page, pane);
    if (shown.includes(text)) return;
    if (Date.now() >= deadline) {
      throw new Error(`pane ${pane} never showed ${JSON.stringify(text)}; it shows ${JSON.stringify(shown)} (${JSON.stringify(await state(page, pane))})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function state(page: Page, pane: number): Promise<PaneState> {
  return page.evaluate((i) => window.wasock.state(i), pane);
}

/** Waits until the pane's program has ended; returns how. */
export async function waitForEnd(page: Page, pane: number, timeoutMs = 20_000): Promise<PaneState> {
  try {
    await page.waitForFunction((i) => !['starting', 'running'].includes(window.wasock.state(i).kind), pane, { timeout: timeoutMs, polling: 50 });
  } catch {
    throw new Error(`pane ${pane} still runs after ${timeoutMs} ms; it shows ${JSON.stringify(await terminalText(page, pane))}`);
  }
  return state(page, pane);
}

export function diagram(page: Page) {
  return page.evaluate(() => window.wasock.diagram());
}

export async function screenshot(page: Page, name: string): Promise<string> {
  // Let the diagram's next frame land first.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Text as a terminal shows it, for comparing with a program's output: line
 * ends normalised, trailing blanks and blank trailing lines dropped, and the
 * run's port replaced so transcripts of different runs compare.
 */
export function screen(text: string, port: number): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n').split(String(port)).join('PORT');
}

/**
 * The tutorial pair on the page's current network: server.wasm in pane 0,
 * client.wasm in pane 1, both exit 0 and the client got the greeting.
 */
export async function runTcpPair(page: Page, port: number): Promise<void> {
  await choosePreset(page, 'tcp');
  await configure(page, 0, 'server', String(port));
  await configure(page, 1, 'client', `127.0.0.1 ${port}`);
  await run(page, 0);
  await waitForText(page, 0, `Server listening on port ${port}`);
  await run(page, 1);
  expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: 0 });
  expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
  expect(screen(await terminalText(page, 1), port)).toContain('Received: Hello from the server!');
  expect(await terminalText(page, 0)).toContain('Connection from 127.0.0.1');
}

/** The UDP pair: udp_server in pane 0 receives udp_client's datagram; both exit 0. */
export async function runUdpPair(page: Page, port: number): Promise<void> {
  await choosePreset(page, 'udp');
  await configure(page, 0, 'udp_server', String(port));
  await configure(page, 1, 'udp_client', `127.0.0.1 ${port} 'hello over udp'`);
  await run(page, 0);
  await waitForText(page, 0, String(port));
  await run(page, 1);
  expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: 0 });
  expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
  expect(await terminalText(page, 0)).toContain('hello over udp');
}
