// One page may not exhaust the relay for the others. Each attack runs while
// a good page moves 16 MiB through the same relay, which must arrive intact:
// the connection cap (pages per relay), the socket cap (per page), a page
// that never grants credit, a page that never reads its WebSocket, a paused
// stream (slow reader), and a flood towards a peer that never reads. The
// relay's own accounting (RelayServer.stats) shows what it buffers, and
// every figure is held to the limit docs/relay-protocol.md documents.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import { E } from '../host/src/abi/errno.js';
import type { SockAddr } from '../host/src/net/addr.js';
import type { RelayBackend } from '../host/src/net/relay-backend.js';
import { clientFrames } from '../host/src/relay/messages.js';
import type { RelayServer } from '../host/src/relay/server.js';
import type { SessionStats } from '../host/src/relay/session.js';
import { collect, echoServer, echoTransfer, openBackend, rawClient, startRelay, type EchoServer, type RawClient } from './helpers/relay.js';

const LO = (port: number): SockAddr => ({ family: 4, ip: '127.0.0.1', port });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** One read from a socket (libuv reads at most 64 KiB at a time). */
const ONE_READ = 64 * 1024;

/** The bytes a firehose sends: chunk k of 64 KiB is a function of k, so any prefix can be checked. */
function firehoseChunk(k: number): Buffer {
  const out = Buffer.allocUnsafe(64 * 1024);
  let x = (k * 2654435761) | 1;
  for (let i = 0; i < out.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x | 0, i);
  }
  return out;
}

function firehoseBytes(n: number): Buffer {
  const chunks: Buffer[] = [];
  for (let k = 0; k * 65536 < n; k++) chunks.push(firehoseChunk(k));
  return Buffer.concat(chunks).subarray(0, n);
}

interface Firehose {
  port: number;
  /** Bytes each connection's kernel accepted so far (write callbacks), newest last. */
  flushed: number[];
  close(): Promise<void>;
}

/** A TCP server that sends `limit` bytes (default: until closed) as fast as each connection takes them. */
async function firehose(limit = Infinity): Promise<Firehose> {
  const sockets = new Set<net.Socket>();
  const flushed: number[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const slot = flushed.push(0) - 1;
    let k = 0;
    const pump = () => {
      while (!socket.destroyed && k * 65536 < limit) {
        const chunk = firehoseChunk(k++);
        const piece = chunk.subarray(0, Math.min(chunk.length, limit - (k - 1) * 65536));
        if (!socket.write(piece, () => (flushed[slot]! += piece.length))) return void socket.once('drain', pump);
      }
      if (k * 65536 >= limit) socket.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    flushed,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('one page cannot exhaust the relay for others', () => {
  const WINDOW = 256 * 1024;
  const MAX_QUEUED = 1024 * 1024;
  const MAX_FRAME = 128 * 1024;
  let relay: RelayServer;
  let echo: EchoServer;
  let good: RelayBackend;
  const figures: string[] = [];
  const opened: RawClient[] = [];

  beforeAll(async () => {
    // Small caps so that the attacks reach them quickly; the defaults are larger.
    relay = await startRelay({ limits: { maxConnections: 6, maxSockets: 16, windowBytes: WINDOW, maxQueuedBytes: MAX_QUEUED, maxFrameBytes: MAX_FRAME } });
    echo = await echoServer();
    good = await openBackend(relay);
  });

  afterAll(async () => {
    for (const c of opened) c.ws.terminate();
    good?.close();
    await echo?.close();
    await relay?.close();
    console.log(`relay abuse figures:\n  ${figures.join('\n  ')}`);
  });

  async function raw(): Promise<RawClient> {
    const c = await rawClient(relay.relayUrl);
    opened.push(c);
    return c;
  }

  /** The stats of the most recent page (the attacker; the good page connected first). */
  const attacker = (): SessionStats => relay.stats().at(-1)!;

  /** Runs `attack` while the good page moves 16 MiB through the relay; it must arrive intact. */
  async function whileGoodPageTransfers(attack: () => Promise<void>): Promise<void> {
    const started = Date.now();
    const transfer = echoTransfer(good, echo.port, 16 << 20);
    await attack();
    const result = await transfer;
    expect(result.got, 'the good page’s transfer').toBe(result.sent);
    expect(good.goneReason).toBeNull();
    figures.push(`  (good page: 16 MiB echoed intact alongside, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  it('connection cap: maxConnections pages at once, the next is refused with 503, and a freed place is reusable', async () => {
    await whileGoodPageTransfers(async () => {
      const five = await Promise.all(Array.from({ length: 5 }, () => raw()));
      expect(relay.connections).toBe(6);
      const refused = await rawClient(relay.relayUrl).then(() => 'admitted', (err: Error) => err.message);
      expect(refused).toBe('HTTP 503');
      // The relay itself still answers.
      expect((await fetch(`http://127.0.0.1:${relay.port}/relay?token=${relay.token}`)).status).toBe(426);
      five[0]!.ws.close();
      await five[0]!.closed;
      for (let i = 0; i < 50 && relay.connections > 5; i++) await sleep(10);
      const again = await raw();
      expect(again.ws.readyState).toBe(WebSocket.OPEN);
      for (const c of [...five, again]) c.ws.close();
      await Promise.all([...five, again].map((c) => c.closed));
      figures.push(`connection cap: 6 pages served, the 7th answered HTTP 503`);
    });
  });

  it('socket cap: EMFILE past maxSockets; connections to a full page’s listener are reset unseen; other pages unaffected', async () => {
    await whileGoodPageTransfers(async () => {
      const a = await raw();
      a.send(clientFrames.listen(1, 1, LO(0), 0, false, false));
      const listen = await a.nextOf('reply');
      expect(listen.errno).toBe(0);
      const port = new DataView(listen.body.buffer, listen.body.byteOffset).getUint16(2, true);
      for (let id = 2; id <= 17; id++) a.send(clientFrames.udpBind(id, id, LO(0), false, false));
      const replies = [];
      for (let i = 0; i < 16; i++) replies.push(await a.nextOf('reply'));
      replies.sort((x, y) => x.request - y.request);
      expect(replies.map((r) => r.errno)).toEqual([...new Array(15).fill(0), E.MFILE]);
      // A connection the full page cannot take: reset, and the page hears nothing of it.
      const outcome = await new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('data', () => resolve('data'));
        s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        s.on('close', () => resolve('closed'));
      });
      expect(['ECONNRESET', 'closed']).toContain(outcome);
      expect(await a.nextOf('accept', 300).then(() => 'ACCEPT', () => 'nothing')).toBe('nothing');
      // Another page has its own 16.
      const b = await raw();
      for (let id = 1; id <= 16; id++) b.send(clientFrames.udpBind(id, id, LO(0), false, false));
      for (let i = 0; i < 16; i++) expect((await b.nextOf('reply')).errno).toBe(0);
      expect(relay.stats().map((s) => s.sockets).slice(-2)).toEqual([16, 16]);
      a.ws.close();
      b.ws.close();
      await Promise.all([a.closed, b.closed]);
      figures.push(`socket cap: 16 sockets per page, the 17th EMFILE; a 17th accepted connection reset (${outcome})`);
    });
  });

  it('a page that never grants credit gets exactly one window; the relay stops reading and holds at most one read', async () => {
    const hose = await firehose();
    await whileGoodPageTransfers(async () => {
      const p = await raw();
      p.send(clientFrames.connect(1, 1, LO(hose.port), null));
      expect((await p.nextOf('reply')).errno).toBe(0);
      let received = 0;
      const chunks: Uint8Array[] = [];
      const drain = async (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          const m = await p.next(Math.max(1, until - Date.now())).catch(() => null);
          if (m?.kind === 'data') {
            received += m.data.length;
            chunks.push(m.data.slice());
          }
        }
      };
      await drain(1500);
      const s1 = attacker();
      const flushed1 = hose.flushed.at(-1)!;
      await drain(1000);
      const s2 = attacker();
      const flushed2 = hose.flushed.at(-1)!;
      expect(received).toBe(WINDOW);
      expect(s2.uncreditedBytes).toBe(WINDOW);
      // What the relay holds for this page: at most one read beyond the window, plus the socket's own buffer.
      expect(s2.heldBytes).toBeLessThanOrEqual(ONE_READ);
      expect(s2.socketReadableBytes).toBeLessThanOrEqual(ONE_READ);
      expect(s2.queuedBytes).toBeLessThanOrEqual(MAX_QUEUED);
      // The firehose is stopped by TCP: nothing more leaves it.
      expect(flushed2).toBe(flushed1);
      // The page grants credit for what it has: the next window comes, and it is the right bytes.
      p.send(clientFrames.credit(1, WINDOW));
      await drain(1000);
      expect(received).toBe(2 * WINDOW);
      expect(sha(Buffer.concat(chunks))).toBe(sha(firehoseBytes(2 * WINDOW)));
      figures.push(`no credit: page got ${WINDOW} B (one window) then nothing; relay held ${s1.heldBytes}/${s2.heldBytes} B + ${s2.socketReadableBytes} B in the socket (limit: one read, ${ONE_READ} B); firehose stalled at ${(flushed2 / 2 ** 20).toFixed(1)} MiB (kernel buffers)`);
      p.ws.close();
    });
    await hose.close();
  });

  it('a slow reader (a paused stream) makes the relay stop reading, not buffer; resumed, all 32 MiB arrive intact', async () => {
    const size = 32 << 20;
    const hose = await firehose(size);
    await whileGoodPageTransfers(async () => {
      const page = await openBackend(relay);
      const stream = await page.connect(LO(hose.port), null);
      const c = collect(stream);
      stream.pause();
      await sleep(1000);
      const s = attacker();
      const flushed = hose.flushed.at(-1)!;
      expect(c.bytes().length).toBe(0);
      expect(s.uncreditedBytes).toBeLessThanOrEqual(WINDOW);
      expect(s.heldBytes).toBeLessThanOrEqual(ONE_READ);
      expect(s.socketReadableBytes).toBeLessThanOrEqual(ONE_READ);
      expect(flushed).toBeLessThan(size / 2);
      stream.resume();
      await c.until((x) => x.ended, 30_000);
      expect(sha(c.bytes())).toBe(sha(firehoseBytes(size)));
      figures.push(`paused stream: relay held ${s.heldBytes} B + ${s.socketReadableBytes} B in the socket, ${s.uncreditedBytes} B unacknowledged at the page; firehose stalled at ${(flushed / 2 ** 20).toFixed(1)} of 32 MiB; resumed: 32 MiB intact`);
      page.close();
    });
    await hose.close();
  });

  it('a page flooding a peer that never reads: the relay buffers at most one window for it', async () => {
    const sink = await echoServer((socket) => socket.pause());
    await whileGoodPageTransfers(async () => {
      const page = await openBackend(relay);
      const stream = await page.connect(LO(sink.port), null);
      const c = collect(stream);
      const piece = new Uint8Array(64 * 1024);
      let offered = 0;
      for (;;) {
        offered += piece.length;
        if (stream.write(piece)) continue;
        const drains = c.drains;
        if (!(await c.until((x) => x.drains > drains, 300).then(() => true, () => false))) break;
        if (offered > 512 << 20) throw new Error('no backpressure');
      }
      const s = attacker();
      expect(s.unackedBytes).toBeLessThanOrEqual(WINDOW);
      expect(s.socketWritableBytes).toBeLessThanOrEqual(WINDOW);
      figures.push(`flood to a non-reader: page stopped after ${(offered / 2 ** 20).toFixed(1)} MiB offered; relay held ${s.socketWritableBytes} B for the socket, ${s.unackedBytes} B unacknowledged (limit: the window, ${WINDOW} B)`);
      page.close();
    });
    await sink.close();
  });

  it('the good page is still the only one connected, and holds nothing once its last stream has closed', async () => {
    for (let i = 0; i < 100 && (relay.connections > 1 || relay.stats()[0]!.sockets > 0); i++) await sleep(20);
    expect(relay.connections).toBe(1);
    expect(relay.stats()[0]!.sockets).toBe(0);
  });
});

describe('a page that does not read its WebSocket', () => {
  it('the relay queues at most maxQueuedBytes for it, then stops reading its sockets; other pages flow', async () => {
    // A wide window, so that what the page is owed (15 × 4 MiB) dwarfs the
    // kernel's loopback buffers and the relay's 1 MiB queue really fills.
    const WINDOW = 4 << 20;
    const MAX_QUEUED = 1 << 20;
    const MAX_FRAME = 128 * 1024;
    const relay = await startRelay({ limits: { windowBytes: WINDOW, maxQueuedBytes: MAX_QUEUED, maxFrameBytes: MAX_FRAME } });
    const echo = await echoServer();
    const good = await openBackend(relay);
    const hose = await firehose();
    const n = await rawClient(relay.relayUrl);
    const transfer = echoTransfer(good, echo.port, 16 << 20);
    // Every DATA frame is kept (the first ones arrive among the replies).
    const per = new Map<number, Uint8Array[]>();
    let total = 0;
    const take = (m: Awaited<ReturnType<typeof n.next>>) => {
      if (m.kind !== 'data') return;
      per.set(m.socket, [...(per.get(m.socket) ?? []), m.data.slice()]);
      total += m.data.length;
    };
    for (let id = 1; id <= 15; id++) n.send(clientFrames.connect(id, id, LO(hose.port), null));
    for (let replies = 0; replies < 15;) {
      const m = await n.next();
      if (m.kind === 'reply') {
        expect(m.errno).toBe(0);
        replies++;
      }
      take(m);
    }
    n.ws.pause();
    const mine = () => relay.stats().at(-1)!;
    let peak = 0;
    let congested = false;
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const st = mine();
      peak = Math.max(peak, st.queuedBytes);
      congested ||= st.congested;
      await sleep(10);
    }
    const st = mine();
    const flushed = hose.flushed.reduce((x, y) => x + y, 0);
    await sleep(500);
    const flushedLater = hose.flushed.reduce((x, y) => x + y, 0);
    const result = await transfer;
    expect(result.got, 'the good page’s transfer').toBe(result.sent);
    expect(congested).toBe(true);
    expect(peak).toBeLessThanOrEqual(MAX_QUEUED + MAX_FRAME);
    expect(st.heldBytes).toBeLessThanOrEqual(15 * ONE_READ);
    expect(flushedLater).toBe(flushed);
    console.log(`relay abuse figures:\n  unread WebSocket: relay queue peaked at ${(peak / 1024).toFixed(0)} KiB (limit ${MAX_QUEUED / 1024} KiB + one frame), congested; ${st.heldBytes} B held over 15 streams; ${(st.uncreditedBytes / 2 ** 20).toFixed(1)} MiB sent and uncredited; firehoses stalled at ${(flushed / 2 ** 20).toFixed(1)} MiB; good page's 16 MiB intact`);
    // Reading again, the page gets what it was sent, in order, intact.
    n.ws.resume();
    while (total < st.uncreditedBytes) take(await n.next(10_000));
    expect(total).toBe(st.uncreditedBytes);
    for (const chunks of per.values()) {
      const got = Buffer.concat(chunks);
      expect(sha(got)).toBe(sha(firehoseBytes(got.length)));
    }
    n.ws.close();
    good.close();
    await hose.close();
    await echo.close();
    await relay.close();
  });
});
