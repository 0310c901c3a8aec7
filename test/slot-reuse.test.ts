// A descriptor (and its host slot) reused while the old socket's transport
// still reports: reconnect_server + reconnect_client and listener_reopen
// (c-src/tests) as wasm guests over the in-page network and over the relay,
// each printing what the native programs print. test/conformance.test.ts
// runs the same programs natively and with the node backend in every
// pairing; the bug they were written for (commit 5555577: the server's FIN
// for a closed connection ended the next connection on the same descriptor)
// was the node backend's, but every backend delivers late events.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualNetwork } from '../host/src/net/virtual/network.js';
import type { RelayBackend } from '../host/src/net/relay-backend.js';
import type { RelayServer } from '../host/src/relay/server.js';
import type { GuestOutcome } from '../host/src/wasi/guest.js';
import { freePort, PAIRINGS, programPath, run, runPair, start, waitForBound, type Finished } from './helpers/programs.js';
import { GUEST_WORKER, startGuest, type GuestRun } from './helpers/in-process-guest.js';
import { openBackend, startRelay } from './helpers/relay.js';

const PAIR = { server: 'reconnect_server', client: 'reconnect_client' };
const SINGLE = 'listener_reopen';

interface Side {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface Transcript {
  server: Side;
  client: Side;
}

const fromProcess = (r: Finished): Side => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });
async function fromGuest(g: GuestRun): Promise<Side> {
  const o: GuestOutcome = await g.outcome;
  return { code: o.kind === 'exit' ? o.code : null, stdout: g.stdout(), stderr: g.stderr() };
}

let nativePair: Transcript;
let nativeSingle: Side;

beforeAll(async () => {
  for (const path of [GUEST_WORKER, ...[PAIR.server, PAIR.client, SINGLE].flatMap((n) => [programPath('native', n), programPath('wasm', n)])]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run ./build.sh`);
  }
  // The native reference runs on real loopback ports, which other test
  // processes may take between freePort() and bind(): try again then.
  const once = () => runPair(PAIRINGS[0]!, PAIR, { server: (p) => [String(p)], client: (p) => [String(p)] }, 'tcp');
  const native = await once().catch(once).catch(once);
  nativePair = { server: fromProcess(native.server), client: fromProcess(native.client) };
  nativeSingle = fromProcess(await run('native', SINGLE, []));
}, 60_000);

it('the native programs succeed and check themselves', () => {
  expect(nativePair.server.code, nativePair.server.stdout).toBe(0);
  expect(nativePair.client.code, nativePair.client.stdout).toBe(0);
  expect(nativePair.client.stdout).toContain('40 reconnects on one descriptor: every echo intact\n');
  expect(nativePair.client.stdout).toContain('exchange 2: ');
  expect(nativeSingle.code, nativeSingle.stdout).toBe(0);
  expect(nativeSingle.stdout).toContain('poll=0 client=0 server=0');
});

describe('over the in-page network', () => {
  it(`${PAIR.server}.wasm + ${PAIR.client}.wasm print what the native pair prints`, async () => {
    const network = new VirtualNetwork();
    const server = startGuest(network.backend(), PAIR.server, ['7777']);
    let ended = false;
    void server.outcome.then(() => (ended = true));
    while (!ended && !network.snapshot().listeners.some((l) => l.port === 7777)) await new Promise((r) => setTimeout(r, 5));
    const client = startGuest(network.backend(), PAIR.client, ['7777']);
    expect({ server: await fromGuest(server), client: await fromGuest(client) }).toEqual(nativePair);
    expect(network.snapshot()).toEqual({ listeners: [], datagramSockets: [], connections: [] });
  }, 30_000);

  it(`${SINGLE}.wasm prints what it prints natively`, async () => {
    const network = new VirtualNetwork();
    expect(await fromGuest(startGuest(network.backend(), SINGLE, []))).toEqual(nativeSingle);
    expect(network.snapshot()).toEqual({ listeners: [], datagramSockets: [], connections: [] });
  });
});

describe('over the relay', () => {
  let relay: RelayServer;
  const pages: RelayBackend[] = [];
  const page = async (): Promise<RelayBackend> => {
    const b = await openBackend(relay);
    pages.push(b);
    return b;
  };

  beforeAll(async () => {
    relay = await startRelay();
  });

  afterAll(async () => {
    for (const p of pages) p.close();
    await relay?.close();
  });

  /** Server and client each a wasm guest on its own relay connection, or a native process. */
  async function pair(server: 'relay' | 'native', client: 'relay' | 'native'): Promise<Transcript> {
    const port = await freePort();
    let serverSide: Promise<Side>;
    let exited = false;
    if (server === 'relay') {
      const g = startGuest(await page(), PAIR.server, [String(port)]);
      serverSide = fromGuest(g);
    } else {
      serverSide = start('native', PAIR.server, [String(port)], { stdin: '' }).done.then(fromProcess);
    }
    void serverSide.then(() => (exited = true));
    await waitForBound(port, 'tcp', 10_000, () => !exited);
    const clientSide = client === 'relay'
      ? await fromGuest(startGuest(await page(), PAIR.client, [String(port)]))
      : fromProcess(await run('native', PAIR.client, [String(port)]));
    return { server: await serverSide, client: clientSide };
  }

  it('wasm server + wasm client, each on its own relay connection', async () => {
    expect(await pair('relay', 'relay')).toEqual(nativePair);
  }, 30_000);

  it('native server + wasm client through the relay (the original report)', async () => {
    expect(await pair('native', 'relay')).toEqual(nativePair);
  }, 30_000);

  it('wasm server through the relay + native client', async () => {
    expect(await pair('relay', 'native')).toEqual(nativePair);
  }, 30_000);

  it(`${SINGLE}.wasm through the relay prints what it prints natively`, async () => {
    expect(await fromGuest(startGuest(await page(), SINGLE, []))).toEqual(nativeSingle);
  });
});
