// Pages that break the rules: each bad frame or abuse gets exactly the
// answer docs/relay-protocol.md names (a close code, or an ERROR/REPLY
// errno), its sockets are closed, and meanwhile a well-behaved page on the
// same relay keeps moving data intact.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { E } from '../host/src/abi/errno.js';
import type { RelayBackend } from '../host/src/net/relay-backend.js';
import type { RelayStream } from '../host/src/net/relay-stream.js';
import type { RelayServer } from '../host/src/relay/server.js';
import { encodeAddr, encodeFrame } from '../host/src/relay/frame.js';
import { clientFrames } from '../host/src/relay/messages.js';
import { CLOSE, OP, SOCKOPT } from '../host/src/relay/protocol.js';
import { collect, echoServer, echoTransfer, openBackend, rawClient, startRelay, type EchoServer, type RawClient } from './helpers/relay.js';

const LO = (port: number) => ({ family: 4 as const, ip: '127.0.0.1', port });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hostile pages', () => {
  let relay: RelayServer;
  let echo: EchoServer;
  let good: RelayBackend;

  beforeAll(async () => {
    relay = await startRelay({ limits: { maxSockets: 4 } });
    echo = await echoServer();
    good = await openBackend(relay);
  });

  afterAll(async () => {
    good?.close();
    await echo?.close();
    await relay?.close();
  });

  /** Runs `attack` while the good page moves 8 MiB through the relay; the transfer must be intact. */
  async function whileGoodPageTransfers(attack: () => Promise<void>): Promise<void> {
    const transfer = echoTransfer(good, echo.port, 8 << 20);
    await attack();
    const result = await transfer;
    expect(result.got).toBe(result.sent);
    expect(good.goneReason).toBeNull();
  }

  const opened: RawClient[] = [];
  async function bad(): Promise<RawClient> {
    const client = await rawClient(relay.relayUrl);
    opened.push(client);
    return client;
  }

  afterEach(() => {
    // A failed test must not leave its client connected for the next one.
    for (const client of opened.splice(0)) client.ws.terminate();
  });

  /** Sends `frame` from a fresh client and returns the close code it gets. */
  async function closeCodeFor(frame: Uint8Array | string): Promise<number> {
    const client = await bad();
    client.send(frame);
    return (await client.closed).code;
  }

  it('malformed frames close that connection with 4000', async () => {
    await whileGoodPageTransfers(async () => {
      const data = clientFrames.data(1, Uint8Array.of(1, 2, 3));
      const cases: Uint8Array[] = [
        new Uint8Array(5),
        data.slice(0, data.length - 1),
        (() => { const f = data.slice(); f[12] = 9; return f; })(),
        (() => { const f = data.slice(); f[1] = 0x80; return f; })(),
        encodeFrame(OP.DATA, 1, 7, Uint8Array.of(1)),
        encodeFrame(OP.CONNECT, 1, 1, (() => { const a = encodeAddr(LO(echo.port)); a[0] = 9; return a; })(), encodeAddr(null)),
        encodeFrame(OP.CONNECT, 0x8000_0001, 1, encodeAddr(LO(echo.port)), encodeAddr(null)),
        encodeFrame(OP.CREDIT, 1, 0, Uint8Array.of(0, 0, 0, 0)),
        encodeFrame(OP.END, 1, 0, Uint8Array.of(0)),
      ];
      const codes = await Promise.all(cases.map((f) => closeCodeFor(f)));
      expect(codes).toEqual(cases.map(() => CLOSE.BAD_FRAME));
    });
  });

  it('an oversized frame closes with 1009, a text frame with 1003', async () => {
    await whileGoodPageTransfers(async () => {
      expect(await closeCodeFor(encodeFrame(OP.DATA, 1, 0, new Uint8Array(relay.limits.maxFrameBytes)))).toBe(CLOSE.TOO_BIG);
      expect(await closeCodeFor('{"op":"connect"}')).toBe(CLOSE.UNSUPPORTED_DATA);
    });
  });

  it('unknown ops, and relay-only ops sent by a page, close with 4001', async () => {
    await whileGoodPageTransfers(async () => {
      const codes = await Promise.all([0x00, 0x7f, 0xff, OP.HELLO, OP.REPLY, OP.ACCEPT].map((op) => closeCodeFor(encodeFrame(op, 1, 1))));
      expect(codes).toEqual(new Array(6).fill(CLOSE.UNKNOWN_OP));
    });
  });

  it('another page’s socket ids do not exist here: EBADF, and the other page’s stream is untouched', async () => {
    const theirs = await good.connect(LO(echo.port), null) as RelayStream;
    const c = collect(theirs);
    await whileGoodPageTransfers(async () => {
      const client = await bad();
      const id = theirs.id;
      client.send(clientFrames.data(id, Uint8Array.of(66)));
      client.send(clientFrames.end(id));
      client.send(clientFrames.setopt(id, SOCKOPT.NODELAY, 1));
      client.send(clientFrames.credit(id, 1));
      client.send(clientFrames.reset(id));
      client.send(clientFrames.close(id));
      const errors = [];
      for (let i = 0; i < 5; i++) errors.push(await client.nextOf('error'));
      expect(errors.map((e) => [e.socket, e.op, e.errno])).toEqual([OP.DATA, OP.END, OP.SETOPT, OP.RESET, OP.CLOSE].map((op) => [id, op, E.BADF]));
      // Still open, and still useful.
      client.send(clientFrames.connect(id, 1, LO(echo.port), null));
      const reply = await client.nextOf('reply');
      expect(reply.errno).toBe(0);
      client.ws.close();
    });
    theirs.write(new TextEncoder().encode('still mine'));
    await c.until((x) => x.bytes().toString() === 'still mine');
    theirs.end();
    await c.until((x) => x.ended);
  });

  it('the socket limit answers EMFILE and the connection stays usable; a reused id answers EEXIST', async () => {
    await whileGoodPageTransfers(async () => {
      const client = await bad();
      const bind = (id: number, request: number) => client.send(clientFrames.udpBind(id, request, LO(0), false, false));
      for (let id = 1; id <= 5; id++) bind(id, id);
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await client.nextOf('reply'));
      // The refusal is immediate, the binds take a moment: order by request.
      replies.sort((x, y) => x.request - y.request);
      expect(replies.map((r) => r.errno)).toEqual([0, 0, 0, 0, E.MFILE]);
      expect(replies[4]!.message).toMatch(/4 sockets/);
      client.send(clientFrames.close(1));
      bind(2, 6);
      expect((await client.nextOf('reply')).errno).toBe(E.EXIST);
      bind(1, 7);
      expect((await client.nextOf('reply')).errno).toBe(0);
      client.ws.close();
    });
  });

  it('sending past the credit window closes with 4002 and frees that page’s sockets', async () => {
    let peer: net.Socket | undefined;
    const stall = await echoServer((socket) => {
      peer = socket;
      socket.pause();
    });
    await whileGoodPageTransfers(async () => {
      const client = await bad();
      client.send(clientFrames.connect(1, 1, LO(stall.port), null));
      expect((await client.nextOf('reply')).errno).toBe(0);
      const piece = new Uint8Array(64 * 1024);
      // Blind writes: far more than the window plus any kernel buffer.
      for (let i = 0; i < 1024 && client.ws.readyState === client.ws.OPEN; i++) {
        client.send(clientFrames.data(1, piece));
        if (i % 32 === 0) await sleep(1);
      }
      expect((await client.closed).code).toBe(CLOSE.LIMIT);
    });
    // The relay dropped the bad page's connection: the peer, reading again, sees it end.
    const peerClosed = new Promise<boolean>((resolve) => {
      peer!.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    peer!.on('data', () => {});
    peer!.resume();
    expect(await peerClosed).toBe(true);
    await stall.close();
  });

  it('credit for bytes never sent closes with 4000', async () => {
    await whileGoodPageTransfers(async () => {
      const client = await bad();
      client.send(clientFrames.connect(1, 1, LO(echo.port), null));
      expect((await client.nextOf('reply')).errno).toBe(0);
      client.send(clientFrames.credit(1, 1));
      expect((await client.closed).code).toBe(CLOSE.BAD_FRAME);
    });
  });

  it('traffic on its own closed, pending or wrong-kind sockets gets an errno, not a crash', async () => {
    await whileGoodPageTransfers(async () => {
      const client = await bad();
      client.send(clientFrames.udpBind(1, 1, LO(0), false, false));
      expect((await client.nextOf('reply')).errno).toBe(0);
      client.send(clientFrames.data(1, Uint8Array.of(1)));
      expect(await client.nextOf('error')).toMatchObject({ socket: 1, op: OP.DATA, errno: E.INVAL });
      client.send(clientFrames.setopt(1, SOCKOPT.TTL, 0));
      expect(await client.nextOf('error')).toMatchObject({ op: OP.SETOPT, errno: E.INVAL });
      client.send(clientFrames.setopt(1, 99, 1));
      expect(await client.nextOf('error')).toMatchObject({ op: OP.SETOPT, errno: E.NOPROTOOPT });
      client.send(clientFrames.datagram(1, LO(0), Uint8Array.of(1)));
      expect(await client.nextOf('error')).toMatchObject({ op: OP.DATAGRAM, errno: E.INVAL });
      client.send(clientFrames.close(1));
      client.send(clientFrames.datagram(1, LO(echo.port), Uint8Array.of(1)));
      expect(await client.nextOf('error')).toMatchObject({ op: OP.DATAGRAM, errno: E.BADF });
      client.send(clientFrames.resolve(2, 0, '\u00ff'.repeat(2)));
      client.send(encodeFrame(OP.RESOLVE, 0, 3, Uint8Array.of(0, 0, 0, 0, 0xff, 0xfe)));
      const replies = [await client.nextOf('reply'), await client.nextOf('reply')];
      expect(replies.find((r) => r.request === 3)?.errno).toBe(E.INVAL);
      client.ws.close();
    });
  });

  it('a page only sees connections to its own listeners', async () => {
    await whileGoodPageTransfers(async () => {
      const a = await bad();
      const b = await bad();
      a.send(clientFrames.listen(1, 1, LO(0), 8, false, false));
      const reply = await a.nextOf('reply');
      expect(reply.errno).toBe(0);
      const port = new DataView(reply.body.buffer, reply.body.byteOffset).getUint16(2, true);
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      const accept = await a.nextOf('accept');
      expect(accept.socket).toBe(1);
      // B names A's listener and A's new connection: neither exists for B.
      b.send(clientFrames.close(1));
      b.send(clientFrames.data(accept.id, Uint8Array.of(1)));
      expect((await b.nextOf('error')).errno).toBe(E.BADF);
      expect((await b.nextOf('error')).errno).toBe(E.BADF);
      socket.destroy();
      a.ws.close();
      b.ws.close();
    });
  });

  it('leaves only the good page connected', async () => {
    for (let i = 0; i < 50 && relay.connections > 1; i++) await sleep(20);
    expect(relay.connections).toBe(1);
  });
});

describe('idle pages', () => {
  it('a silent page is closed with 4003; a page with open sockets keeps itself alive', async () => {
    const relay = await startRelay({ limits: { idleMs: 300 } });
    const echo = await echoServer();
    const good = await openBackend(relay);
    const silent = await rawClient(relay.relayUrl);
    const started = Date.now();
    expect((await silent.closed).code).toBe(CLOSE.IDLE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await sleep(700);
    const result = await echoTransfer(good, echo.port, 1 << 20);
    expect(result.got).toBe(result.sent);
    expect(good.goneReason).toBeNull();
    good.close();
    await echo.close();
    await relay.close();
  });
});
