// The demo page in real Chromium: the tutorial's programs as wasm in a
// browser tab, over the in-page network and over the relay, against native
// programs and each other. Every terminal must show exactly what the native
// build prints (the native pair runs in the test; the port is normalised).
// Screenshots land in test-results/browser/.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, PAIRINGS, portIsFree, run as runProgram, runPair, start, waitForBound } from '../helpers/programs.js';
import { joinArgs } from '../../web/args.js';
import { startBrowser, type BrowserFixture } from './helpers/browser.js';
import { choosePreset, configure, diagram, openDemo, run, screen, screenshot, setNetwork, terminalText, waitForEnd, waitForText, type DemoPage } from './helpers/demo-page.js';

interface Pair {
  proto: 'tcp' | 'udp';
  preset: string;
  server: string;
  client: string;
  serverArgs(port: number): string[];
  clientArgs(port: number): string[];
}

const TCP: Pair = { proto: 'tcp', preset: 'tcp', server: 'server', client: 'client', serverArgs: (p) => [String(p)], clientArgs: (p) => ['127.0.0.1', String(p)] };
const UDP: Pair = { proto: 'udp', preset: 'udp', server: 'udp_server', client: 'udp_client', serverArgs: (p) => [String(p)], clientArgs: (p) => ['127.0.0.1', String(p), 'hello over udp'] };

interface Transcript {
  server: string;
  client: string;
}

/** What the native pair prints, as a terminal would show it. */
async function nativeTranscript(pair: Pair): Promise<Transcript> {
  assertBuilt(pair.server);
  assertBuilt(pair.client);
  let port = 0;
  const result = await runPair(PAIRINGS[0], pair, { server: (p) => pair.serverArgs((port = p)), client: pair.clientArgs }, pair.proto);
  expect(result.server.code, `native ${pair.server}: ${result.server.stderr}`).toBe(0);
  expect(result.client.code, `native ${pair.client}: ${result.client.stderr}`).toBe(0);
  const transcript = {
    server: screen(result.server.stdout + result.server.stderr, port),
    client: screen(result.client.stdout + result.client.stderr, port),
  };
  expect(transcript.server).not.toBe('');
  expect(transcript.client).not.toBe('');
  return transcript;
}

/** The server's first line for this port: printed once it is bound, so a client may start. */
function firstLine(text: string, port: number): string {
  return text.split('\n')[0].split('PORT').join(String(port));
}

let browser: BrowserFixture;
const native: Partial<Record<'tcp' | 'udp', Transcript>> = {};
const pages: DemoPage[] = [];

async function demo(): Promise<DemoPage> {
  const d = await openDemo(browser.context, browser.relay.url);
  pages.push(d);
  return d;
}

/** Runs a pair's server and client in panes 0 and 1 of one page; returns both terminals. */
async function runPairInPage(d: DemoPage, pair: Pair, port: number): Promise<Transcript> {
  const { page } = d;
  await choosePreset(page, pair.preset);
  await configure(page, 0, pair.server, joinArgs(pair.serverArgs(port)));
  await configure(page, 1, pair.client, joinArgs(pair.clientArgs(port)));
  await run(page, 0);
  await waitForText(page, 0, firstLine(native[pair.proto]!.server, port));
  // Where the server really is: a real socket on this host (bound by the
  // relay) or only in the page's own network.
  const mode = await page.evaluate(() => window.wasock.network().mode);
  if (mode === 'relay') await waitForBound(port, pair.proto, 5_000);
  else expect(await portIsFree(port, pair.proto)).toBe(true);
  await run(page, 1);
  expect(await waitForEnd(page, 1)).toEqual({ kind: 'exited', code: 0 });
  expect(await waitForEnd(page, 0)).toEqual({ kind: 'exited', code: 0 });
  return { server: screen(await terminalText(page, 0), port), client: screen(await terminalText(page, 1), port) };
}

beforeAll(async () => {
  browser = await startBrowser();
  native.tcp = await nativeTranscript(TCP);
  native.udp = await nativeTranscript(UDP);
});

afterEach(async () => {
  // Each case's page goes, and its relay connection with it.
  for (const d of pages.splice(0)) await d.page.close();
});

afterAll(async () => {
  await browser?.close();
});

describe('demo page end to end', () => {
  it('(1) server.wasm and client.wasm in one tab over the in-page network', async () => {
    const d = await demo();
    await setNetwork(d.page, 'virtual');
    const port = await freePort();
    const got = await runPairInPage(d, TCP, port);
    await screenshot(d.page, 'case1-virtual-tcp');
    expect(got).toEqual(native.tcp);
    // The diagram joins the two lifelines: connect → accept, write → read, close → EOF.
    const drawn = await diagram(d.page);
    const kinds = drawn.arrows.map((a) => `${a.kind} ${drawn.rows[a.from].lane}→${drawn.rows[a.to].lane}`);
    expect(kinds).toEqual(expect.arrayContaining(['connect 1→0', 'data 0→1', 'eof 0→1']));
    expect(d.problems).toEqual([]);
  });

  it('(2) server.wasm and client.wasm in one tab over the relay', async () => {
    const d = await demo();
    await setNetwork(d.page, 'relay');
    const port = await freePort();
    const got = await runPairInPage(d, TCP, port);
    await screenshot(d.page, 'case2-relay-tcp');
    expect(got).toEqual(native.tcp);
    expect(d.problems).toEqual([]);
  });

  it('(3) client.wasm in the browser against the native server', async () => {
    const d = await demo();
    await setNetwork(d.page, 'relay');
    const port = await freePort();
    const server = start('native', TCP.server, TCP.serverArgs(port));
    let serverExited = false;
    void server.done.then(() => (serverExited = true));
    await waitForBound(port, 'tcp', 10_000, () => !serverExited).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await server.done)}`);
    });
    await configure(d.page, 1, TCP.client, joinArgs(TCP.clientArgs(port)));
    await run(d.page, 1);
    expect(await waitForEnd(d.page, 1)).toEqual({ kind: 'exited', code: 0 });
    const finished = await server.done;
    await screenshot(d.page, 'case3-wasm-client-native-server');
    expect(screen(await terminalText(d.page, 1), port)).toBe(native.tcp!.client);
    expect({ code: finished.code, out: screen(finished.stdout + finished.stderr, port) }).toEqual({ code: 0, out: native.tcp!.server });
    // The peer is outside the page: the diagram draws it as a stub to the edge.
    expect((await diagram(d.page)).stubs.map((s) => s.direction)).toContain('out');
    expect(d.problems).toEqual([]);
  });

  it('(4) server.wasm in the browser, listening through the relay, reached by the native client', async () => {
    const d = await demo();
    await setNetwork(d.page, 'relay');
    const port = await freePort();
    await configure(d.page, 0, TCP.server, joinArgs(TCP.serverArgs(port)));
    await run(d.page, 0);
    await waitForText(d.page, 0, firstLine(native.tcp!.server, port));
    // The relay listens on this host for the page.
    await waitForBound(port, 'tcp');
    const client = await runProgram('native', TCP.client, TCP.clientArgs(port));
    expect(await waitForEnd(d.page, 0)).toEqual({ kind: 'exited', code: 0 });
    await screenshot(d.page, 'case4-wasm-server-native-client');
    expect(screen(await terminalText(d.page, 0), port)).toBe(native.tcp!.server);
    expect({ code: client.code, out: screen(client.stdout + client.stderr, port) }).toEqual({ code: 0, out: native.tcp!.client });
    expect((await diagram(d.page)).stubs.map((s) => s.direction)).toContain('in');
    expect(d.problems).toEqual([]);
  });

  it('(5) the UDP pair over the relay', async () => {
    const d = await demo();
    await setNetwork(d.page, 'relay');
    const port = await freePort();
    const got = await runPairInPage(d, UDP, port);
    await screenshot(d.page, 'case5-relay-udp');
    expect(got).toEqual(native.udp);
    const drawn = await diagram(d.page);
    const datagrams = drawn.arrows.filter((a) => a.kind === 'datagram').map((a) => `${drawn.rows[a.from].lane}→${drawn.rows[a.to].lane}`);
    expect(datagrams).toEqual(['1→0', '0→1']);
    expect(d.problems).toEqual([]);
  });
});
