// The tutorial's wasm programs with the relay backend, from Node: the same
// guests a browser tab runs, their sockets carried by a relay in this
// process. The server's listening socket lives on the relay's host, so
// native programs reach it like any other server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { startNodeGuest } from '../host/src/io/node-guest.js';
import { NetPolicy } from '../host/src/net/policy.js';
import type { RelayBackend } from '../host/src/net/relay-backend.js';
import type { RelayServer } from '../host/src/relay/server.js';
import type { GuestOutcome } from '../host/src/wasi/guest.js';
import { freePort, ROOT, run, start, waitForBound } from './helpers/programs.js';
import { openBackend, startRelay } from './helpers/relay.js';
import { GUEST_WORKER as WORKER, startGuest } from './helpers/in-process-guest.js';

const GREETING = 'Hello from the server!';


describe('wasm guests over the relay (Node)', () => {
  let relay: RelayServer;

  beforeAll(async () => {
    for (const path of [WORKER, join(ROOT, 'build', 'wasm', 'server.wasm'), join(ROOT, 'build', 'wasm', 'client.wasm'), join(ROOT, 'build', 'native', 'client'), join(ROOT, 'build', 'native', 'server')]) {
      if (!existsSync(path)) throw new Error(`${path} is missing: run ./build.sh`);
    }
    relay = await startRelay();
  });

  afterAll(async () => {
    await relay?.close();
  });

  it('server.wasm and client.wasm, each on its own relay connection: the client prints the greeting', async () => {
    const [serverPage, clientPage] = await Promise.all([openBackend(relay), openBackend(relay)]);
    const port = await freePort();
    const server = startGuest(serverPage, 'server', [String(port)]);
    await server.printed('Server listening');
    const client = startGuest(clientPage, 'client', ['127.0.0.1', String(port)]);
    const [clientEnd, serverEnd] = await Promise.all([client.outcome, server.outcome]);
    expect(client.stdout()).toContain(GREETING);
    expect(server.stdout()).toContain('Connection from 127.0.0.1');
    expect({ clientEnd, serverEnd, clientErr: client.stderr(), serverErr: server.stderr() }).toEqual({
      clientEnd: { kind: 'exit', code: 0 }, serverEnd: { kind: 'exit', code: 0 }, clientErr: '', serverErr: '',
    });
    serverPage.close();
    clientPage.close();
  });

  it('server.wasm listening through the relay is reached by the native client', async () => {
    const page = await openBackend(relay);
    const port = await freePort();
    const server = startGuest(page, 'server', [String(port)]);
    await server.printed('Server listening');
    const native = await run('native', 'client', ['127.0.0.1', String(port)]);
    expect(native.stdout).toContain(GREETING);
    expect(await server.outcome).toEqual({ kind: 'exit', code: 0 });
    page.close();
  });

  it('client.wasm through the relay reaches the native server', async () => {
    const page = await openBackend(relay);
    const port = await freePort();
    const server = start('native', 'server', [String(port)], { stdin: '' });
    let exited = false;
    void server.done.then(() => (exited = true));
    await waitForBound(port, 'tcp', 10_000, () => !exited);
    const client = startGuest(page, 'client', ['127.0.0.1', String(port)]);
    expect(await client.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(client.stdout()).toContain(GREETING);
    expect((await server.done).code).toBe(0);
    page.close();
  });

  it('a guest blocked in accept() fails within 2 s when its relay connection drops', async () => {
    const page = await openBackend(relay);
    const port = await freePort();
    const server = startGuest(page, 'server', [String(port)]);
    await server.printed('Server listening');
    const dropped = Date.now();
    page.close();
    const end = await server.outcome;
    expect(Date.now() - dropped).toBeLessThan(2000);
    expect(end).toEqual({ kind: 'exit', code: 1 });
    expect(server.stderr()).toBe('accept: Connection reset by peer\n');
  });

  it('a guest blocked in recvfrom() fails within 2 s when its relay connection drops', async () => {
    const page = await openBackend(relay);
    const port = await freePort();
    const server = startGuest(page, 'udp_server', [String(port)]);
    await waitForBound(port, 'udp');
    // Bound on the relay's host is not yet returned to the guest (the reply
    // is on its way): wait until it prints, just before recvfrom().
    await server.printed('UDP server listening');
    const dropped = Date.now();
    page.close();
    const end = await server.outcome;
    expect(Date.now() - dropped).toBeLessThan(2000);
    expect(end).toEqual({ kind: 'exit', code: 1 });
    expect(server.stderr()).toMatch(/^recvfrom: Connection reset by peer\n$/);
  });
});
