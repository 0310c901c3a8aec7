// One test per relay bug the hostile-page work found (relay-fuzz.test.ts
// found the descriptor leaks; the oracle found the spec mismatches). Each
// failed before its fix.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E } from '../host/src/abi/errno.js';
import { NetError } from '../host/src/net/backend.js';
import type { SockAddr } from '../host/src/net/addr.js';
import { NodeBackend } from '../host/src/net/node-backend.js';
import { clientFrames } from '../host/src/relay/messages.js';
import { CLOSE, OP } from '../host/src/relay/protocol.js';
import type { RelayServer } from '../host/src/relay/server.js';
import { startChildRelay, type ChildRelay } from './helpers/relay-child.js';
import { echoServer, openBackend, rawClient, startRelay, type EchoServer } from './helpers/relay.js';

const LO = (port: number): SockAddr => ({ family: 4, ip: '127.0.0.1', port });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('relay fixes, in process', () => {
  let relay: RelayServer;
  let echo: EchoServer;

  beforeAll(async () => {
    relay = await startRelay();
    echo = await echoServer();
  });

  afterAll(async () => {
    await echo?.close();
    await relay?.close();
  });

  it('a text message that is not UTF-8 closes with 1003 like any text message (ws alone said 1007)', async () => {
    const c = await rawClient(relay.relayUrl);
    c.ws.send(Uint8Array.of(0x41, 0xff, 0xfe), { binary: false });
    expect((await c.closed).code).toBe(CLOSE.UNSUPPORTED_DATA);
  });

  it('RESET names a stream: on a UDP socket or a listener it is EINVAL and the socket stays open', async () => {
    const c = await rawClient(relay.relayUrl);
    c.send(clientFrames.udpBind(1, 1, LO(0), false, false));
    c.send(clientFrames.listen(2, 2, LO(0), 0, false, false));
    expect((await c.nextOf('reply')).errno).toBe(0);
    expect((await c.nextOf('reply')).errno).toBe(0);
    c.send(clientFrames.reset(1));
    c.send(clientFrames.reset(2));
    expect(await c.nextOf('error')).toMatchObject({ socket: 1, op: OP.RESET, errno: E.INVAL });
    expect(await c.nextOf('error')).toMatchObject({ socket: 2, op: OP.RESET, errno: E.INVAL });
    // Still there: the ids are in use, and CLOSE frees them.
    c.send(clientFrames.udpBind(1, 3, LO(0), false, false));
    expect((await c.nextOf('reply')).errno).toBe(E.EXIST);
    c.send(clientFrames.close(1));
    c.send(clientFrames.close(2));
    c.send(clientFrames.udpBind(1, 4, LO(0), false, false));
    expect((await c.nextOf('reply')).errno).toBe(0);
    // On a socket still being opened, RESET cancels it like CLOSE.
    c.send(clientFrames.connect(5, 5, LO(echo.port), null));
    c.send(clientFrames.reset(5));
    expect((await c.nextOf('reply'))).toMatchObject({ socket: 5, request: 5, errno: E.CANCELED });
    c.ws.close();
  });

  it('under a loopback-only policy, RESOLVE asks no resolver for names other than localhost', async () => {
    const asked: string[] = [];
    class Recording extends NodeBackend {
      override resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]> {
        asked.push(host);
        return super.resolve(host, family);
      }
    }
    const own = await startRelay({ backend: new Recording() });
    const page = await openBackend(own);
    const err = await page.resolve('wasock-test.invalid', 0).catch((e: NetError) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).errno).toBe(E.NOENT);
    expect((err as NetError).message).toMatch(/asks no DNS server/);
    expect(await page.resolve('127.0.0.1', 4)).toEqual([{ family: 4, ip: '127.0.0.1', port: 0 }]);
    expect(await page.resolve('localhost', 4)).toContainEqual({ family: 4, ip: '127.0.0.1', port: 0 });
    expect(asked).toEqual(['127.0.0.1', 'localhost']);
    page.close();
    await own.close();
  });
});

describe('relay fixes, measured on `node host/relay.js`', () => {
  let relay: ChildRelay;
  let echo: EchoServer;

  beforeAll(async () => {
    relay = await startChildRelay();
    echo = await echoServer();
  });

  afterAll(async () => {
    await relay?.stop();
    await echo?.close();
  });

  async function settledFds(limit: number): Promise<number> {
    let fds = relay.fdCount();
    for (let i = 0; i < 100 && fds > limit; i++) {
      await sleep(50);
      fds = relay.fdCount();
    }
    return fds;
  }

  it('a UDP bind that fails does not leak a descriptor (a page could repeat it without limit)', async () => {
    const c = await rawClient(relay.relayUrl);
    const before = relay.fdCount();
    // An IPv6-only socket cannot bind an IPv4-mapped address: EINVAL from the system, every time.
    // (In batches: binds in flight count against the page's 256 sockets.)
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 1; i <= 100; i++) c.send(clientFrames.udpBind(batch * 100 + i, batch * 100 + i, { family: 6, ip: '::ffff:127.0.0.1', port: 0 }, true, false));
      for (let i = 0; i < 100; i++) expect((await c.nextOf('reply')).errno).toBe(E.INVAL);
    }
    expect(await settledFds(before)).toBeLessThanOrEqual(before);
    c.ws.close();
  });

  it('END then RESET or CLOSE of a stream does not leak its descriptor (libuv refuses a reset during shutdown)', async () => {
    const c = await rawClient(relay.relayUrl);
    const before = relay.fdCount();
    for (let round = 0; round < 4; round++) {
      for (let i = 1; i <= 50; i++) c.send(clientFrames.connect(round * 100 + i, round * 100 + i, LO(echo.port), null));
      for (let i = 0; i < 50; i++) expect((await c.nextOf('reply')).errno).toBe(0);
      for (let i = 1; i <= 50; i++) {
        const id = round * 100 + i;
        c.send(clientFrames.data(id, Uint8Array.of(1, 2, 3)));
        c.send(clientFrames.end(id));
        c.send(i % 2 ? clientFrames.reset(id) : clientFrames.close(id));
      }
    }
    // The page is still connected: only its own WebSocket stays open.
    expect(await settledFds(before)).toBeLessThanOrEqual(before);
    c.ws.close();
  });
});
