// The relay backend against a relay in this process: outbound TCP, a
// listening socket reached by plain node:net clients, UDP both ways, resets,
// flow control in both directions, the relay's policy, and the relay going
// away (closed, or its process killed) while data is moving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { E } from '../host/src/abi/errno.js';
import { NetError, type Stream } from '../host/src/net/backend.js';
import { NodeBackend } from '../host/src/net/node-backend.js';
import { RelayBackend, relayUrl, type RelayGone, type RelayWebSocket } from '../host/src/net/relay-backend.js';
import type { RelayServer } from '../host/src/relay/server.js';
import { ROOT } from './helpers/programs.js';
import { collect, echoServer, echoTransfer, openBackend, startRelay, type EchoServer } from './helpers/relay.js';

const LO = (port: number) => ({ family: 4 as const, ip: '127.0.0.1', port });
const LISTEN = { backlog: 16, ipv6Only: false, reusePort: false };

async function errnoOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetError) return err.errno;
    throw err;
  }
  throw new Error('expected a NetError');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Compile-time: both WebSocket implementations fit the backend's interface.
function typeCheckOnly(browser: globalThis.WebSocket, node: WebSocket): RelayWebSocket[] {
  return [browser, node];
}
void typeCheckOnly;

describe('relay backend', () => {
  let relay: RelayServer;
  let echo: EchoServer;
  let backend: RelayBackend;

  beforeAll(async () => {
    relay = await startRelay();
    echo = await echoServer();
    backend = await openBackend(relay);
  });

  afterAll(async () => {
    backend?.close();
    await echo?.close();
    await relay?.close();
  });

  it('says HELLO with the relay’s limits', () => {
    expect(backend.parameters).toEqual({ version: 1, maxFrameBytes: 131072, windowBytes: 262144, maxSockets: 256, idleMs: 120000, listenPorts: { lo: 1024, hi: 65535 } });
    expect(relayUrl(relay.url)).toBe(relay.relayUrl);
  });

  it('carries outbound TCP to an echo server byte for byte (16 MiB)', async () => {
    const result = await echoTransfer(backend, echo.port, 16 << 20);
    expect(result.got).toBe(result.sent);
  });

  it('connects with the addresses the relay saw and relays FIN both ways', async () => {
    const stream = await backend.connect(LO(echo.port), null);
    expect(stream.remote).toEqual(LO(echo.port));
    expect(stream.local.ip).toBe('127.0.0.1');
    const c = collect(stream);
    stream.setNoDelay(true);
    stream.setKeepAlive(true);
    stream.write(new TextEncoder().encode('ping'));
    stream.end();
    await c.until((x) => x.ended);
    expect(c.bytes().toString()).toBe('ping');
    await stream.finished();
    expect(c.errno).toBeNull();
  });

  it('reports ECONNREFUSED from the relay’s host', async () => {
    const closed = await echoServer();
    await closed.close();
    expect(await errnoOf(backend.connect(LO(closed.port), null))).toBe(E.CONNREFUSED);
  });

  it('listens on the relay’s host: plain node:net clients reach the page', async () => {
    const accepted: Stream[] = [];
    const listener = await backend.listen(LO(0), LISTEN, (s) => {
      accepted.push(s);
      const c = collect(s);
      // Answer the first bytes upper-cased, then close.
      void c.until((x) => x.bytes().length > 0).then(() => {
        s.write(new TextEncoder().encode(c.bytes().toString().toUpperCase()));
        s.end();
      });
    });
    expect(listener.local.ip).toBe('127.0.0.1');
    expect(listener.local.port).toBeGreaterThan(0);
    const replies = await Promise.all(['one', 'two', 'three'].map((word) => new Promise<string>((resolve, reject) => {
      const socket = net.connect(listener.local.port, '127.0.0.1', () => socket.write(word));
      let got = '';
      socket.setEncoding('utf8').on('data', (d: string) => (got += d));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    })));
    expect(replies).toEqual(['ONE', 'TWO', 'THREE']);
    expect(accepted.length).toBe(3);
    expect(accepted[0]!.remote.ip).toBe('127.0.0.1');
    listener.close();
    await sleep(50);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(listener.local.port, '127.0.0.1');
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? ''));
      socket.on('connect', () => resolve('connected'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('carries UDP both ways with the source addresses', async () => {
    const got: { data: string; from: string }[] = [];
    const udp = await backend.bindDatagram(LO(0), { ipv6Only: false, reuseAddr: false }, (data, from) => got.push({ data: Buffer.from(data).toString(), from: `${from.ip}:${from.port}` }));
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const peerPort = peer.address().port;
    const atPeer = new Promise<{ data: string; from: string }>((resolve) => peer.once('message', (msg, rinfo) => resolve({ data: msg.toString(), from: `${rinfo.address}:${rinfo.port}` })));
    udp.setTTL(32);
    udp.setBroadcast(false);
    udp.send(new TextEncoder().encode('to the peer'), LO(peerPort));
    expect(await atPeer).toEqual({ data: 'to the peer', from: `127.0.0.1:${udp.local.port}` });
    peer.send('to the page', udp.local.port, '127.0.0.1');
    for (let i = 0; i < 100 && got.length === 0; i++) await sleep(10);
    expect(got).toEqual([{ data: 'to the page', from: `127.0.0.1:${peerPort}` }]);
    udp.close();
    peer.close();
  });

  it('delivers a reset from the real peer as ECONNRESET', async () => {
    const rude = await echoServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const stream = await backend.connect(LO(rude.port), null);
    const c = collect(stream);
    stream.write(Uint8Array.of(1));
    await c.until((x) => x.errno !== null);
    expect(c.errno).toBe(E.CONNRESET);
    // The id is gone: writing now is a closed connection, not a hang.
    stream.write(Uint8Array.of(2));
    await rude.close();
  });

  it('close() closes the real socket: the peer\'s later data meets a reset from the system, and the id is free at once', async () => {
    // A peer that keeps its own side open after our FIN, as a C server would.
    const server = net.createServer({ allowHalfOpen: true });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stream = await backend.connect(LO((server.address() as net.AddressInfo).port), null);
    const peer = await accepted;
    collect(stream);
    stream.write(new TextEncoder().encode('bye'));
    stream.close!();
    await stream.finished();
    // Freed when sent (END with CLOSED, section 6.2): the relay holds no socket for this page.
    for (let i = 0; i < 100 && relay.stats().some((s) => s.sockets > 0); i++) await sleep(10);
    expect(relay.stats().map((s) => s.sockets)).toEqual([0]);
    // The peer got the bytes and the FIN; what it sends now reaches a closed
    // socket, which resets (with a plain END the page would have had to see
    // the data first — here no page code answers it at all).
    const outcome = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      peer.on('data', (d: Buffer) => chunks.push(d));
      peer.on('error', (err: NodeJS.ErrnoException) => resolve(`${Buffer.concat(chunks).toString()} ${err.code}`));
      peer.on('end', () => {
        peer.write('late');
        setTimeout(() => peer.write('later'), 50);
      });
      setTimeout(() => resolve(`${Buffer.concat(chunks).toString()} no reset`), 3000);
    });
    expect(outcome).toMatch(/^bye (ECONNRESET|EPIPE)$/);
    peer.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves names on the relay’s host', async () => {
    const addrs = await backend.resolve('localhost', 4);
    expect(addrs).toContainEqual({ family: 4, ip: '127.0.0.1', port: 0 });
    expect(await errnoOf(backend.resolve('', 0))).toBe(E.INVAL);
  });

  it('slow page: a paused stream makes the relay stop reading, and nothing is lost', async () => {
    const size = 48 << 20;
    const data = randomBytes(size);
    let flushed = 0;
    const writerDone = new Promise<void>((resolve) => {
      void echoServer((socket) => {
        let at = 0;
        const pump = () => {
          while (at < size) {
            const piece = data.subarray(at, at + 65536);
            at += piece.length;
            if (!socket.write(piece, () => (flushed += piece.length))) return void socket.once('drain', pump);
          }
          socket.end();
          resolve();
        };
        pump();
      }).then((server) => (source = server));
    });
    let source: EchoServer | undefined;
    while (!source) await sleep(5);
    const stream = await backend.connect(LO(source.port), null);
    const c = collect(stream);
    stream.pause();
    await sleep(1000);
    // The relay holds at most its window; the rest stays in kernel buffers
    // and the writer's own queue: far less than what it wants to send.
    expect(c.bytes().length).toBe(0);
    expect(flushed).toBeLessThan(24 << 20);
    stream.resume();
    await c.until((x) => x.ended, 30_000);
    await writerDone;
    expect(c.bytes().equals(data)).toBe(true);
    await source.close();
  });

  it('slow real peer: write() says wait, drain comes once the peer reads, and nothing is lost', async () => {
    let peer: net.Socket | undefined;
    const received: Buffer[] = [];
    const sink = await echoServer((socket) => {
      peer = socket;
      socket.pause();
      socket.on('data', (d: Buffer) => received.push(d));
    });
    const stream = await backend.connect(LO(sink.port), null);
    const c = collect(stream);
    const piece = randomBytes(64 * 1024);
    let accepted = 0;
    // Write until the stream stays stuck: no drain for 300 ms.
    for (;;) {
      accepted += piece.length;
      if (stream.write(piece.slice())) continue;
      const drains = c.drains;
      const moved = await c.until((x) => x.drains > drains, 300).then(() => true, () => false);
      if (!moved) break;
      if (accepted > 256 << 20) throw new Error('no backpressure');
    }
    // Bounded by the window plus kernel buffers, not by what the page offers.
    expect(accepted).toBeLessThan(64 << 20);
    while (!peer) await sleep(5);
    const drains = c.drains;
    peer.resume();
    await c.until((x) => x.drains > drains, 10_000);
    stream.end();
    await new Promise<void>((resolve) => peer!.once('end', () => resolve()));
    const all = Buffer.concat(received);
    expect(all.length).toBe(accepted);
    expect(all.subarray(0, piece.length).equals(piece)).toBe(true);
    await sink.close();
  });
});

describe('relay policy (relay side)', () => {
  let relay: RelayServer;
  let backend: RelayBackend;
  let echo: EchoServer;

  beforeAll(async () => {
    // Only 127.0.0.2 may be reached, and pages may bind ports 40000-40010 only.
    relay = await startRelay({ allowNet: '127.0.0.2', listenPorts: '40000-40010' });
    backend = await openBackend(relay);
    echo = await echoServer();
  });

  afterAll(async () => {
    backend?.close();
    await echo?.close();
    await relay?.close();
  });

  it('refuses connects to denied addresses with EACCES and says which relay option allows them', async () => {
    const err = await backend.connect(LO(echo.port), null).catch((e: NetError) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).errno).toBe(E.ACCES);
    expect((err as NetError).message).toMatch(/relay option --allow-net/);
    expect(await errnoOf(backend.connect({ family: 6, ip: '::ffff:127.0.0.1', port: echo.port }, null))).toBe(E.ACCES);
  });

  it('refuses listening outside the port range, allows inside it and on an ephemeral port', async () => {
    const err = await backend.listen({ family: 4, ip: '127.0.0.2', port: 5000 }, LISTEN, () => {}).catch((e: NetError) => e);
    expect((err as NetError).errno).toBe(E.ACCES);
    expect((err as NetError).message).toMatch(/--listen-ports/);
    expect(await errnoOf(backend.bindDatagram({ family: 4, ip: '127.0.0.2', port: 39999 }, { ipv6Only: false, reuseAddr: false }, () => {}))).toBe(E.ACCES);
    const eph = await backend.listen({ family: 4, ip: '127.0.0.2', port: 0 }, LISTEN, () => {});
    eph.close();
  });

  it('applies the policy to UDP binds and sends', async () => {
    expect(await errnoOf(backend.bindDatagram(LO(0), { ipv6Only: false, reuseAddr: false }, () => {}))).toBe(E.ACCES);
    const udp = await backend.bindDatagram({ family: 4, ip: '127.0.0.2', port: 0 }, { ipv6Only: false, reuseAddr: false }, () => {});
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    let leaked = false;
    peer.on('message', () => (leaked = true));
    udp.send(Uint8Array.of(1), LO(peer.address().port));
    await sleep(200);
    expect(leaked).toBe(false);
    udp.close();
    peer.close();
  });
});

describe('the relay going away', () => {
  /** A backend whose connects never complete, to hold a request open. */
  class StuckConnects extends NodeBackend {
    override connect(): Promise<Stream> {
      return new Promise(() => {});
    }
  }

  async function busyStreams(backend: RelayBackend, echoPort: number, n: number) {
    const streams = await Promise.all(Array.from({ length: n }, () => backend.connect(LO(echoPort), null)));
    const collectors = streams.map((s) => collect(s));
    // Keep data flowing on every stream until it fails.
    let stop = false;
    const pumps = streams.map(async (s, i) => {
      while (!stop && collectors[i]!.errno === null) {
        if (!s.write(randomBytes(32 * 1024))) await collectors[i]!.until((x) => x.drains > 0 || x.errno !== null, 3000).catch(() => {});
        await sleep(1);
      }
    });
    return { collectors, stop: () => (stop = true), pumps };
  }

  it('closed mid-transfer: every socket fails with ECONNRESET within 2 s, pending calls reject, the page is told', async () => {
    const relay = await startRelay();
    const echo = await echoServer();
    const gone: RelayGone[] = [];
    const backend = await openBackend(relay, { onGone: (g) => gone.push(g) });
    const listener = await backend.listen(LO(0), LISTEN, () => {});
    const busy = await busyStreams(backend, echo.port, 3);
    await sleep(200);
    expect(busy.collectors.every((c) => c.bytes().length > 0)).toBe(true);
    const started = Date.now();
    void relay.close();
    await Promise.all(busy.collectors.map((c) => c.until((x) => x.errno !== null, 2000)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(busy.collectors.map((c) => c.errno)).toEqual([E.CONNRESET, E.CONNRESET, E.CONNRESET]);
    busy.stop();
    await Promise.all(busy.pumps);
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ code: 1001, opened: true, description: 'the relay shut down' });
    expect(await errnoOf(backend.connect(LO(echo.port), null))).toBe(E.CONNRESET);
    listener.close();
    await echo.close();
  });

  it('a request in flight when the relay goes rejects with ECONNRESET', async () => {
    const relay = await startRelay({ backend: new StuckConnects() });
    const backend = await openBackend(relay);
    const pending = backend.connect(LO(9), null);
    await sleep(100);
    void relay.close();
    expect(await errnoOf(pending)).toBe(E.CONNRESET);
  });

  it('its process killed mid-transfer: every socket fails with ECONNRESET within 2 s', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'host', 'relay.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /open the demo: (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`relay exited (${code}): ${out}`)));
    });
    const echo = await echoServer();
    const gone: RelayGone[] = [];
    const backend = await RelayBackend.open(relayUrl(url), (u, p) => new WebSocket(u, p) as unknown as RelayWebSocket, { onGone: (g) => gone.push(g) });
    const busy = await busyStreams(backend, echo.port, 3);
    await sleep(200);
    const started = Date.now();
    child.kill('SIGKILL');
    await Promise.all(busy.collectors.map((c) => c.until((x) => x.errno !== null, 2000)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(busy.collectors.map((c) => c.errno)).toEqual([E.CONNRESET, E.CONNRESET, E.CONNRESET]);
    busy.stop();
    await Promise.all(busy.pumps);
    expect(gone[0]).toMatchObject({ code: 1006, opened: true });
    await echo.close();
  });

  it('an unreachable relay: ready rejects, calls fail with ECONNRESET, the page is told it never connected', async () => {
    const probe = await echoServer();
    await probe.close();
    const gone: RelayGone[] = [];
    const backend = new RelayBackend(new WebSocket(`ws://127.0.0.1:${probe.port}/relay?token=x`) as unknown as RelayWebSocket, { onGone: (g) => gone.push(g) });
    expect(await errnoOf(backend.ready)).toBe(E.CONNRESET);
    expect(await errnoOf(backend.connect(LO(1), null))).toBe(E.CONNRESET);
    expect(gone[0]).toMatchObject({ opened: false });
  });

  it('a wrong token looks the same to the page as an unreachable relay, and GET /relay tells them apart', async () => {
    const relay = await startRelay();
    const wrong = new RelayBackend(new WebSocket(`ws://127.0.0.1:${relay.port}/relay?token=wrong`) as unknown as RelayWebSocket);
    expect((await wrong.gone).opened).toBe(false);
    const status = await fetch(`http://127.0.0.1:${relay.port}/relay?token=wrong`).then((r) => r.status);
    expect(status).toBe(403);
    await relay.close();
  });
});
