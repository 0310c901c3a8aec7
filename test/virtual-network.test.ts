// The in-page network (host/src/net/virtual/): its NetBackend used directly,
// then two wasm guests talking over it in one Node process.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualNetwork } from '../host/src/net/virtual/network.js';
import { NetError, type NetBackend, type Stream, type StreamHandlers } from '../host/src/net/backend.js';
import type { SockAddr } from '../host/src/net/addr.js';
import { NetPolicy } from '../host/src/net/policy.js';
import { E } from '../host/src/abi/errno.js';
import { startNodeGuest } from '../host/src/io/node-guest.js';
import type { GuestOutcome } from '../host/src/wasi/guest.js';
import { normalisePort, PAIRINGS, ROOT, run, runPair } from './helpers/programs.js';
import { GUEST_WORKER as WORKER, startGuest as startInProcess, type GuestRun } from './helpers/in-process-guest.js';

const LISTEN = { backlog: 511, ipv6Only: false, reusePort: false };
const UDP = { ipv6Only: false, reuseAddr: false };

const v4 = (ip: string, port: number): SockAddr => ({ family: 4, ip, port });
const v6 = (ip: string, port: number): SockAddr => ({ family: 6, ip, port });
// Addresses outside loopback, built from numbers so that no non-loopback
// literal is written into a test (nothing is ever sent to them: the virtual
// network refuses them).
const OUTSIDE_V4 = [0x0a, 0, 0, 1].join('.');
const OUTSIDE_V4_B = [0xc0, 0xa8, 1, 1].join('.');
const OUTSIDE_V4_C = [0x5d, 0xb8, 0xd8, 0x22].join('.');
const OUTSIDE_V4_D = [8, 8, 8, 8].join('.');
const OUTSIDE_V6 = ['2001', 'db8', '', '1'].join(':');
const OUTSIDE_MAPPED = `::ffff:${OUTSIDE_V4}`;

/** Lets every queued microtask and timer run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function errnoOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(NetError);
    return (err as NetError).errno;
  }
  throw new Error('expected a NetError, got success');
}

/** Records what a stream delivers. */
class Recorder implements StreamHandlers {
  chunks: Uint8Array[] = [];
  events: string[] = [];
  onData?: (chunk: Uint8Array) => void;
  onDrain?: () => void;

  constructor(readonly stream: Stream) {
    stream.attach(this);
  }

  data(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.events.push('data');
    this.onData?.(chunk);
  }
  end(): void {
    this.events.push('end');
  }
  error(errno: number): void {
    this.events.push(`error ${errno}`);
  }
  drain(): void {
    this.events.push('drain');
    this.onDrain?.();
  }
  text(): string {
    return new TextDecoder().decode(concat(this.chunks));
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);

/** A listener on `at` plus a connected pair, both ends attached. */
async function pair(server: NetBackend, client: NetBackend, at = v4('127.0.0.1', 7000), to: SockAddr = at) {
  const accepted: Stream[] = [];
  const listener = await server.listen(at, LISTEN, (s) => accepted.push(s));
  const c = await client.connect(to, null);
  expect(accepted).toHaveLength(1);
  return { listener, client: new Recorder(c), server: new Recorder(accepted[0]!) };
}

describe('virtual network: ports', () => {
  it('hands out ephemeral ports in order from 32768, per protocol', async () => {
    const b = new VirtualNetwork().backend();
    const l1 = await b.listen(v4('127.0.0.1', 0), LISTEN, () => {});
    const l2 = await b.listen(v4('0.0.0.0', 0), LISTEN, () => {});
    const u1 = await b.bindDatagram(v4('127.0.0.1', 0), UDP, () => {});
    expect([l1.local.port, l2.local.port, u1.local.port]).toEqual([32768, 32769, 32768]);
    expect(l2.local).toEqual(v4('0.0.0.0', 32769));
  });

  it('wraps round the ephemeral range, skips ports in use, and fails when it is full', async () => {
    const b = new VirtualNetwork({ ephemeralPorts: { low: 40000, high: 40002 } }).backend();
    await b.listen(v4('127.0.0.1', 40001), LISTEN, () => {});
    const a = await b.listen(v4('127.0.0.1', 0), LISTEN, () => {});
    const c = await b.listen(v4('127.0.0.1', 0), LISTEN, () => {});
    expect([a.local.port, c.local.port]).toEqual([40000, 40002]);
    expect(await errnoOf(b.listen(v4('127.0.0.1', 0), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    a.close();
    const again = await b.listen(v4('127.0.0.1', 0), LISTEN, () => {});
    expect(again.local.port).toBe(40000);
    // Outgoing connections need a port too.
    expect(await errnoOf(b.connect(v4('127.0.0.1', 40001), null))).toBe(E.ADDRNOTAVAIL);
  });

  it('refuses a second bind of the same TCP address with EADDRINUSE, until the first is closed', async () => {
    const net = new VirtualNetwork();
    const a = net.backend();
    const b = net.backend();
    const first = await a.listen(v4('127.0.0.1', 8080), LISTEN, () => {});
    expect(await errnoOf(b.listen(v4('127.0.0.1', 8080), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    expect(await errnoOf(b.listen(v4('0.0.0.0', 8080), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    expect(await errnoOf(b.listen(v6('::', 8080), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    expect(await errnoOf(b.listen(v6('::ffff:127.0.0.1', 8080), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    // Other hosts, the other family, an IPv6-only wildcard and UDP are separate.
    await b.listen(v4('127.0.0.2', 8080), LISTEN, () => {});
    await b.listen(v6('::1', 8080), LISTEN, () => {});
    await b.bindDatagram(v4('127.0.0.1', 8080), UDP, () => {});
    first.close();
    await b.listen(v4('127.0.0.1', 8080), LISTEN, () => {});
    const net2 = new VirtualNetwork().backend();
    await net2.listen(v4('0.0.0.0', 9000), LISTEN, () => {});
    await net2.listen(v6('::', 9000), { ...LISTEN, ipv6Only: true }, () => {});
    expect(await errnoOf(net2.listen(v4('127.0.0.9', 9000), LISTEN, () => {}))).toBe(E.ADDRINUSE);
  });

  it('shares a port between sockets that all ask for it (SO_REUSEPORT for TCP, SO_REUSEADDR for UDP)', async () => {
    const b = new VirtualNetwork().backend();
    await b.listen(v4('127.0.0.1', 5000), { ...LISTEN, reusePort: true }, () => {});
    await b.listen(v4('127.0.0.1', 5000), { ...LISTEN, reusePort: true }, () => {});
    expect(await errnoOf(b.listen(v4('127.0.0.1', 5000), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    await b.bindDatagram(v4('127.0.0.1', 5000), { ...UDP, reuseAddr: true }, () => {});
    await b.bindDatagram(v4('127.0.0.1', 5000), { ...UDP, reuseAddr: true }, () => {});
    expect(await errnoOf(b.bindDatagram(v4('127.0.0.1', 5000), UDP, () => {}))).toBe(E.ADDRINUSE);
  });

  it('keeps a client port from being listened on while its connection is open, but not an accepted one', async () => {
    const net = new VirtualNetwork();
    const b = net.backend();
    const { listener, client, server } = await pair(b, b);
    const clientPort = client.stream.local.port;
    expect(await errnoOf(b.listen(v4('127.0.0.1', clientPort), LISTEN, () => {}))).toBe(E.ADDRINUSE);
    // A server restarts on its port while an old connection is still open.
    listener.close();
    await b.listen(v4('127.0.0.1', 7000), LISTEN, () => {});
    client.stream.end();
    server.stream.end();
    expect(net.snapshot().connections).toEqual([]);
    await b.listen(v4('127.0.0.1', clientPort), LISTEN, () => {});
  });

  it('binds only loopback and wildcard addresses', async () => {
    const b = new VirtualNetwork().backend();
    expect(await errnoOf(b.listen(v4(OUTSIDE_V4, 80), LISTEN, () => {}))).toBe(E.ADDRNOTAVAIL);
    expect(await errnoOf(b.listen(v6(OUTSIDE_V6, 80), LISTEN, () => {}))).toBe(E.ADDRNOTAVAIL);
    expect(await errnoOf(b.bindDatagram(v4(OUTSIDE_V4_B, 80), UDP, () => {}))).toBe(E.ADDRNOTAVAIL);
    expect(await errnoOf(b.listen(v6('::ffff:127.0.0.1', 80), { ...LISTEN, ipv6Only: true }, () => {}))).toBe(E.ADDRNOTAVAIL);
    await b.listen(v4('127.255.255.254', 80), LISTEN, () => {});
    await b.listen(v6('::1', 80), LISTEN, () => {});
    await b.bindDatagram(v4('0.0.0.0', 80), UDP, () => {});
  });
});

describe('virtual network: connecting', () => {
  it('refuses a connection to a port nobody listens on, asynchronously', async () => {
    const b = new VirtualNetwork().backend();
    const attempt = b.connect(v4('127.0.0.1', 4444), null);
    // The refusal is decided later, like a real handshake: a listener that
    // appears in the same tick is found.
    const late = b.connect(v4('127.0.0.1', 4445), null);
    await b.listen(v4('127.0.0.1', 4445), LISTEN, () => {});
    expect(await errnoOf(attempt)).toBe(E.CONNREFUSED);
    await expect(late).resolves.toBeDefined();
    // A UDP socket on the port does not accept TCP.
    await b.bindDatagram(v4('127.0.0.1', 4446), UDP, () => {});
    expect(await errnoOf(b.connect(v4('127.0.0.1', 4446), null))).toBe(E.CONNREFUSED);
  });

  it('cannot reach anything but loopback', async () => {
    const b = new VirtualNetwork().backend();
    expect(await errnoOf(b.connect(v4(OUTSIDE_V4_C, 80), null))).toBe(E.NETUNREACH);
    expect(await errnoOf(b.connect(v6(OUTSIDE_V6, 80), null))).toBe(E.NETUNREACH);
    expect(await errnoOf(b.connect(v6(OUTSIDE_MAPPED, 80), null))).toBe(E.NETUNREACH);
  });

  it('hands the listener its end before the connecting side hears, never inside connect()', async () => {
    const net = new VirtualNetwork();
    const order: string[] = [];
    await net.backend().listen(v4('127.0.0.1', 7000), LISTEN, () => order.push('accepted'));
    const connecting = net.backend().connect(v4('127.0.0.1', 7000), null).then(() => order.push('connected'));
    order.push('returned');
    await connecting;
    expect(order).toEqual(['returned', 'accepted', 'connected']);
  });

  it('gives both ends the addresses a loopback stack would', async () => {
    const net = new VirtualNetwork();
    const b = net.backend();
    const { client, server } = await pair(b, b, v4('0.0.0.0', 7000), v4('127.0.0.2', 7000));
    expect(client.stream.local).toEqual(v4('127.0.0.1', 32768));
    expect(client.stream.remote).toEqual(v4('127.0.0.2', 7000));
    expect(server.stream.local).toEqual(v4('127.0.0.2', 7000));
    expect(server.stream.remote).toEqual(v4('127.0.0.1', 32768));
    expect(net.snapshot().connections).toEqual([[v4('127.0.0.1', 32768), v4('127.0.0.2', 7000)]]);

    // A dual-stack listener on :: sees IPv4 clients as IPv4-mapped addresses.
    const dual = await pair(b, b, v6('::', 7100), v4('127.0.0.1', 7100));
    expect(dual.server.stream.remote).toEqual(v6('::ffff:127.0.0.1', dual.client.stream.local.port));
    expect(dual.server.stream.local).toEqual(v6('::ffff:127.0.0.1', 7100));
    const six = await pair(b, b, v6('::', 7200), v6('::1', 7200));
    expect(six.client.stream.local.ip).toBe('::1');
    expect(six.server.stream.remote.ip).toBe('::1');
    // An IPv6-only wildcard does not take IPv4 connections.
    await b.listen(v6('::', 7300), { ...LISTEN, ipv6Only: true }, () => {});
    expect(await errnoOf(b.connect(v4('127.0.0.1', 7300), null))).toBe(E.CONNREFUSED);
    // A connection to 0.0.0.0 goes to 127.0.0.1, as on Linux.
    const zero = await pair(b, b, v4('127.0.0.1', 7400), v4('0.0.0.0', 7400));
    expect(zero.client.stream.remote).toEqual(v4('127.0.0.1', 7400));
  });

  it('prefers a listener bound to the exact host over a wildcard one', async () => {
    const b = new VirtualNetwork().backend();
    const hits: string[] = [];
    // Overlapping listeners need SO_REUSEPORT on both, as on Linux.
    const shared = { ...LISTEN, reusePort: true };
    await b.listen(v4('0.0.0.0', 6000), shared, () => hits.push('any'));
    await b.listen(v4('127.0.0.5', 6000), shared, () => hits.push('exact'));
    await b.connect(v4('127.0.0.5', 6000), null);
    await b.connect(v4('127.0.0.6', 6000), null);
    expect(hits).toEqual(['exact', 'any']);
  });

  it('connects from an explicit local address (bind before connect)', async () => {
    const b = new VirtualNetwork().backend();
    const accepted: Stream[] = [];
    await b.listen(v4('127.0.0.1', 7000), LISTEN, (s) => accepted.push(s));
    const c = await b.connect(v4('127.0.0.1', 7000), v4('127.0.0.3', 5555));
    expect(c.local).toEqual(v4('127.0.0.3', 5555));
    expect(accepted[0]!.remote).toEqual(v4('127.0.0.3', 5555));
    // The same 4-tuple cannot exist twice; an IPv4 source cannot reach ::1.
    expect(await errnoOf(b.connect(v4('127.0.0.1', 7000), v4('127.0.0.3', 5555)))).toBe(E.ADDRNOTAVAIL);
    await b.listen(v6('::1', 7000), LISTEN, () => {});
    expect(await errnoOf(b.connect(v6('::1', 7000), v4('127.0.0.3', 5556)))).toBe(E.NETUNREACH);
  });

  it('refuses new connections once the listener is closed; open ones carry on', async () => {
    const b = new VirtualNetwork().backend();
    const { listener, client, server } = await pair(b, b);
    listener.close();
    expect(await errnoOf(b.connect(v4('127.0.0.1', 7000), null))).toBe(E.CONNREFUSED);
    server.stream.write(bytes('still here'));
    await settle();
    expect(client.text()).toBe('still here');
  });
});

describe('virtual network: streams', () => {
  it('delivers bytes later, in order, never inside write()', async () => {
    const b = new VirtualNetwork().backend();
    const { client, server } = await pair(b, b);
    expect(client.stream.write(bytes('one '))).toBe(true);
    client.stream.write(bytes('two '));
    expect(server.chunks).toHaveLength(0);
    await settle();
    client.stream.write(bytes('three'));
    await settle();
    expect(server.text()).toBe('one two three');
  });

  it('does not keep the caller\'s buffer', async () => {
    const b = new VirtualNetwork().backend();
    const { client, server } = await pair(b, b);
    const buf = bytes('abc');
    client.stream.write(buf);
    buf.fill(0x78);
    await settle();
    expect(server.text()).toBe('abc');
  });

  it('holds data for an end that has not attached yet', async () => {
    const net = new VirtualNetwork();
    const b = net.backend();
    const accepted: Stream[] = [];
    await b.listen(v4('127.0.0.1', 7000), LISTEN, (s) => accepted.push(s));
    const c = await b.connect(v4('127.0.0.1', 7000), null);
    const serverSide = new Recorder(accepted[0]!);
    serverSide.stream.write(bytes('early'));
    serverSide.stream.end();
    await settle();
    const clientSide = new Recorder(c);
    await settle();
    expect(clientSide.text()).toBe('early');
    expect(clientSide.events.at(-1)).toBe('end');
  });

  it('moves 8 MiB intact under backpressure: write() → false, drain, pause and resume', async () => {
    const highWaterMark = 32 * 1024;
    const b = new VirtualNetwork({ highWaterMark }).backend();
    const { client, server } = await pair(b, b);
    const total = 8 * 1024 * 1024;
    const source = new Uint8Array(total);
    let seed = 12345;
    for (let i = 0; i < total; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      source[i] = seed >>> 24;
    }

    let writeFalse = 0;
    let drains = 0;
    let pauses = 0;
    let maxQueued = 0;
    let sent = 0;
    let received = 0;
    const chunkSize = (i: number) => 1 + ((i * 7919) % 20000);
    let chunkNo = 0;

    // The reader pauses now and then and resumes from a timer, like a
    // guest that is slow to drain its ring.
    server.onData = (chunk) => {
      received += chunk.length;
      maxQueued = Math.max(maxQueued, sent - received);
      if (received % 5 === 0 || chunk.length > 15000) {
        pauses++;
        server.stream.pause();
        setTimeout(() => server.stream.resume(), 0);
      }
    };
    const done = new Promise<void>((resolve) => {
      const pump = () => {
        while (sent < total) {
          const n = Math.min(chunkSize(chunkNo++), total - sent);
          const ok = client.stream.write(source.subarray(sent, sent + n));
          sent += n;
          maxQueued = Math.max(maxQueued, sent - received);
          if (!ok) {
            writeFalse++;
            return;
          }
        }
        client.stream.end();
        resolve();
      };
      client.onDrain = () => {
        drains++;
        pump();
      };
      pump();
    });
    await done;
    await new Promise<void>((resolve) => {
      const check = () => (server.events.includes('end') ? resolve() : setTimeout(check, 1));
      check();
    });

    const got = concat(server.chunks);
    expect(got.length).toBe(total);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(source))).toBe(0);
    expect(writeFalse).toBeGreaterThan(10);
    expect(drains).toBe(writeFalse);
    expect(pauses).toBeGreaterThan(10);
    // The buffer stays bounded: the high-water mark plus one write.
    expect(maxQueued).toBeLessThan(highWaterMark + 20000);
    expect(server.events.filter((e) => e === 'end')).toHaveLength(1);
  });

  it('delivers nothing to a paused end, not even FIN, until it resumes', async () => {
    const b = new VirtualNetwork().backend();
    const { client, server } = await pair(b, b);
    server.stream.pause();
    client.stream.write(bytes('held'));
    client.stream.end();
    await settle();
    expect(server.events).toEqual([]);
    server.stream.resume();
    await settle();
    expect(server.events).toEqual(['data', 'end']);
    expect(server.text()).toBe('held');
  });

  it('pausing inside a data callback stops the next delivery', async () => {
    const b = new VirtualNetwork({ highWaterMark: 1 << 20 }).backend();
    const { client, server } = await pair(b, b);
    server.onData = () => server.stream.pause();
    // Big enough that they are not joined into one delivery.
    const big = new Uint8Array(40_000);
    client.stream.write(big);
    client.stream.write(big);
    await settle();
    expect(server.chunks).toHaveLength(1);
    server.onData = undefined;
    server.stream.resume();
    await settle();
    expect(server.chunks).toHaveLength(2);
  });

  it('sends FIN after the queued bytes; the other direction stays open (half-close)', async () => {
    const net = new VirtualNetwork();
    const b = net.backend();
    const { client, server } = await pair(b, b);
    client.stream.write(bytes('request'));
    client.stream.end();
    await client.stream.finished();
    await settle();
    expect(server.text()).toBe('request');
    expect(server.events.at(-1)).toBe('end');
    expect(net.snapshot().connections).toHaveLength(1);
    server.stream.write(bytes('reply'));
    server.stream.end();
    await settle();
    expect(client.text()).toBe('reply');
    expect(client.events).toEqual(['data', 'end']);
    expect(net.snapshot().connections).toHaveLength(0);
    // Closed both ways: a late destroy() resets nothing.
    server.stream.destroy();
    await settle();
    expect(client.events).toEqual(['data', 'end']);
  });

  it('destroy() resets the peer with ECONNRESET, drops what was in flight and frees the ports', async () => {
    const net = new VirtualNetwork();
    const b = net.backend();
    const { client, server } = await pair(b, b);
    server.stream.pause();
    client.stream.write(bytes('lost'));
    server.stream.write(bytes('also lost'));
    client.stream.destroy();
    await settle();
    expect(server.events).toEqual([`error ${E.CONNRESET}`]);
    server.stream.resume();
    await settle();
    expect(server.events).toEqual([`error ${E.CONNRESET}`]);
    expect(client.events).toEqual([]);
    expect(net.snapshot().connections).toEqual([]);
    await server.stream.finished();
    await client.stream.finished();
    // Writes after the reset go nowhere, quietly.
    expect(server.stream.write(bytes('x'))).toBe(true);
  });

  it('a reset reaches an end that has sent FIN but still reads', async () => {
    const b = new VirtualNetwork().backend();
    const { client, server } = await pair(b, b);
    client.stream.end();
    await settle();
    server.stream.destroy();
    await settle();
    expect(client.events).toEqual([`error ${E.CONNRESET}`]);
  });

  it('works across backends of one network (one per guest) and not across networks', async () => {
    const net = new VirtualNetwork();
    const { client, server } = await pair(net.backend(), net.backend());
    server.stream.write(bytes('hi'));
    await settle();
    expect(client.text()).toBe('hi');
    expect(await errnoOf(new VirtualNetwork().backend().connect(v4('127.0.0.1', 7000), null))).toBe(E.CONNREFUSED);
  });
});

describe('virtual network: datagrams', () => {
  it('delivers datagrams later, in order, with the sender\'s address', async () => {
    const b = new VirtualNetwork().backend();
    const got: [string, SockAddr][] = [];
    const server = await b.bindDatagram(v4('0.0.0.0', 9999), UDP, (data, from) => got.push([new TextDecoder().decode(data), from]));
    const client = await b.bindDatagram(v4('0.0.0.0', 0), UDP, () => {});
    const buf = bytes('ping');
    client.send(buf, v4('127.0.0.1', 9999));
    buf.fill(0);
    client.send(bytes('pong'), v4('127.0.0.1', 9999));
    expect(got).toEqual([]);
    await settle();
    expect(got).toEqual([['ping', v4('127.0.0.1', 32768)], ['pong', v4('127.0.0.1', 32768)]]);
    expect(server.local).toEqual(v4('0.0.0.0', 9999));
  });

  it('reports a bound source host, and IPv4 senders as mapped to an IPv6 socket', async () => {
    const b = new VirtualNetwork().backend();
    const got: SockAddr[] = [];
    await b.bindDatagram(v6('::', 9999), UDP, (_d, from) => got.push(from));
    const a = await b.bindDatagram(v4('127.0.0.7', 1234), UDP, () => {});
    const c = await b.bindDatagram(v6('::1', 0), UDP, () => {});
    a.send(bytes('x'), v4('127.0.0.1', 9999));
    c.send(bytes('y'), v6('::1', 9999));
    await settle();
    expect(got).toEqual([v6('::ffff:127.0.0.7', 1234), v6('::1', c.local.port)]);
  });

  it('drops datagrams to an unbound port, off the network, across families, or after close', async () => {
    const b = new VirtualNetwork().backend();
    const got: string[] = [];
    const receiver = await b.bindDatagram(v4('127.0.0.1', 9999), UDP, (d) => got.push(new TextDecoder().decode(d)));
    const sender = await b.bindDatagram(v4('127.0.0.1', 0), UDP, () => {});
    sender.send(bytes('nobody'), v4('127.0.0.1', 9998));
    sender.send(bytes('far away'), v4(OUTSIDE_V4_D, 9999));
    sender.send(bytes('wrong family'), v6('::1', 9999));
    sender.send(new Uint8Array(70_000), v4('127.0.0.1', 9999));
    sender.send(bytes('ok'), v4('127.0.0.1', 9999));
    await settle();
    expect(got).toEqual(['ok']);
    sender.send(bytes('late'), v4('127.0.0.1', 9999));
    receiver.close();
    await settle();
    expect(got).toEqual(['ok']);
    // The port is free again.
    await b.bindDatagram(v4('127.0.0.1', 9999), UDP, () => {});
  });

  it('goes to the exact-host socket before a wildcard one, and to the newest of sockets sharing a port', async () => {
    const b = new VirtualNetwork().backend();
    const got: string[] = [];
    const shared = { ...UDP, reuseAddr: true };
    await b.bindDatagram(v4('0.0.0.0', 5300), shared, () => got.push('any'));
    await b.bindDatagram(v4('127.0.0.53', 5300), shared, () => got.push('exact'));
    await b.bindDatagram(v4('127.0.0.9', 5301), { ...UDP, reuseAddr: true }, () => got.push('old'));
    await b.bindDatagram(v4('127.0.0.9', 5301), { ...UDP, reuseAddr: true }, () => got.push('new'));
    const s = await b.bindDatagram(v4('127.0.0.1', 0), UDP, () => {});
    s.send(bytes('.'), v4('127.0.0.53', 5300));
    s.send(bytes('.'), v4('127.0.0.1', 5300));
    s.send(bytes('.'), v4('127.0.0.9', 5301));
    await settle();
    expect(got).toEqual(['exact', 'any', 'new']);
  });
});

describe('virtual network: names', () => {
  it('knows localhost and passes numeric hosts through', async () => {
    const b = new VirtualNetwork().backend();
    expect(await b.resolve('localhost', 0)).toEqual([v4('127.0.0.1', 0), v6('::1', 0)]);
    expect(await b.resolve('LocalHost.', 4)).toEqual([v4('127.0.0.1', 0)]);
    expect(await b.resolve('localhost', 6)).toEqual([v6('::1', 0)]);
    expect(await b.resolve('127.0.0.2', 0)).toEqual([v4('127.0.0.2', 0)]);
    expect(await b.resolve('0:0:0:0:0:0:0:1', 0)).toEqual([v6('::1', 0)]);
    // A numeric host outside loopback (built from an integer: no such
    // literal belongs in a test) passes through like any number.
    const outside = [0x0a, 1, 2, 3].join('.');
    expect(await b.resolve(outside, 6)).toEqual([v4(outside, 0)]);
  });

  it('answers ENOENT for any other name', async () => {
    const b = new VirtualNetwork().backend();
    expect(await errnoOf(b.resolve('example.com', 0))).toBe(E.NOENT);
    expect(await errnoOf(b.resolve('', 0))).toBe(E.NOENT);
  });
});

// --- two wasm guests over one VirtualNetwork ------------------------------

const wasmPath = (name: string) => join(ROOT, 'build', 'wasm', `${name}.wasm`);

/** A guest on `network` (its own backend view), output captured. */
function startGuest(network: VirtualNetwork, name: string, args: string[], maxSockets = 16): GuestRun {
  return startInProcess(network.backend(), name, args, maxSockets);
}

/**
 * Conformance programs that make their own connections and whose transcript
 * over the virtual network equals the native one (those whose wasm
 * transcript differs from native with the node backend too are left out:
 * that is the guest side's business, not the network's).
 */
const SELF_CONTAINED = [
  'econnreset', 'eof_read', 'err_addrinuse', 'err_connrefused', 'err_isconn', 'gethostbyname_localhost',
  'msg_dontwait', 'msg_peek', 'poll_mixed', 'readv_writev', 'select_mixed', 'shutdown_modes',
  'udp_connected', 'udp_truncate',
];
/** Server and client conformance programs, given the port (and any further arguments). */
const PAIRS = [
  ['bigwrite_server', 'bigwrite_client'],
  ['exit_open_server', 'exit_open_client'],
  ['waitall_server', 'waitall_client'],
  ['poll_1000_server', 'poll_1000_client'],
] as const;
/** 300 connections open at once is plenty here, and keeps the arenas small. */
const PAIR_ARGS: Record<string, { args: string[]; maxSockets: number }> = {
  poll_1000_server: { args: ['300'], maxSockets: 320 },
  poll_1000_client: { args: ['300'], maxSockets: 320 },
};

describe('virtual network: wasm guests in one process', () => {
  beforeAll(() => {
    for (const name of ['server', 'client', 'udp_server', 'udp_client', ...SELF_CONTAINED, ...PAIRS.flat()]) {
      if (!existsSync(wasmPath(name))) throw new Error(`${wasmPath(name)} is missing: run ./build.sh`);
    }
    // The worker entry must be the bundled one (Node cannot load the TS sources in a worker).
    execFileSync(process.execPath, [join(ROOT, 'tools', 'build-host.mjs')], { cwd: ROOT, stdio: 'pipe' });
  }, 60_000);

  it('server.wasm and client.wasm talk with no real socket', async () => {
    const network = new VirtualNetwork();
    // Port 80 on the real loopback would need privileges; here it is just a number.
    const server = startGuest(network, 'server', ['80']);
    await server.printed('Server listening on port 80\n');
    expect(network.snapshot().listeners).toEqual([v4('127.0.0.1', 80)]);
    const client = startGuest(network, 'client', ['127.0.0.1', '80']);
    expect(await client.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(await server.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(client.stdout()).toBe('Connected to 127.0.0.1:80\nReceived: Hello from the server!\n');
    expect(server.stdout()).toBe('Server listening on port 80\nConnection from 127.0.0.1\nSent greeting, closing\n');
    expect(client.stderr() + server.stderr()).toBe('');
    // Both exited: every port is free again.
    expect(network.snapshot()).toEqual({ listeners: [], datagramSockets: [], connections: [] });
  });

  it('a second server on the same port fails with EADDRINUSE; a client with nobody listening gets ECONNREFUSED', async () => {
    const network = new VirtualNetwork();
    const first = startGuest(network, 'server', ['8080']);
    await first.printed('listening');
    const second = startGuest(network, 'server', ['8080']);
    expect(await second.outcome).toEqual({ kind: 'exit', code: 1 });
    expect(second.stderr()).toBe('bind: Address in use\n');
    const refused = startGuest(network, 'client', ['127.0.0.1', '8081']);
    expect(await refused.outcome).toEqual({ kind: 'exit', code: 1 });
    expect(refused.stderr()).toBe('connect: Connection refused\n');
    // Let the first server finish.
    const client = startGuest(network, 'client', ['127.0.0.1', '8080']);
    expect(await client.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(await first.outcome).toEqual({ kind: 'exit', code: 0 });
  });

  it('udp_server.wasm and udp_client.wasm exchange datagrams', async () => {
    const network = new VirtualNetwork();
    const server = startGuest(network, 'udp_server', ['9000']);
    await server.printed('UDP server listening on port 9000\n');
    const client = startGuest(network, 'udp_client', ['127.0.0.1', '9000', 'over the virtual wire']);
    expect(await client.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(await server.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(server.stdout()).toBe('UDP server listening on port 9000\nReceived "over the virtual wire" from 127.0.0.1\nEchoed 21 bytes\n');
    expect(client.stdout()).toBe('Sent "over the virtual wire" to 127.0.0.1:9000\nReply "over the virtual wire" from 127.0.0.1:9000\n');
    expect(network.snapshot().datagramSockets).toEqual([]);
  });

  for (const name of SELF_CONTAINED) {
    it(`${name} prints what it prints natively`, async () => {
      const native = await run('native', name, []);
      const guest = startGuest(new VirtualNetwork(), name, []);
      const outcome = await guest.outcome;
      expect({ code: outcome.kind === 'exit' ? outcome.code : outcome.message, stdout: guest.stdout(), stderr: guest.stderr() })
        .toEqual({ code: native.code, stdout: native.stdout, stderr: native.stderr });
    });
  }

  for (const [serverName, clientName] of PAIRS) {
    it(`${serverName} and ${clientName} print what they print natively`, async () => {
      let nativePort = 0;
      const extra = (name: string) => PAIR_ARGS[name]?.args ?? [];
      const slots = (name: string) => PAIR_ARGS[name]?.maxSockets;
      // The native reference runs on real loopback ports, which other test
      // processes on this machine may take between freePort() and bind():
      // try again then.
      const nativePair = () => runPair(PAIRINGS[0]!, { server: serverName, client: clientName }, {
        server: (p) => [String((nativePort = p)), ...extra(serverName)],
        client: (p) => [String(p), ...extra(clientName)],
      }, 'tcp');
      const native = await nativePair().catch(nativePair).catch(nativePair);
      const network = new VirtualNetwork();
      const server = startGuest(network, serverName, ['7777', ...extra(serverName)], slots(serverName));
      while (!network.snapshot().listeners.some((l) => l.port === 7777)) await new Promise((r) => setTimeout(r, 5));
      const client = startGuest(network, clientName, ['7777', ...extra(clientName)], slots(clientName));
      const [c, sv] = [await client.outcome, await server.outcome];
      const transcript = (code: number | null, out: string, err: string, port: number) => ({ code, out: normalisePort(out, port), err: normalisePort(err, port) });
      expect({
        server: transcript(sv.kind === 'exit' ? sv.code : null, server.stdout(), server.stderr(), 7777),
        client: transcript(c.kind === 'exit' ? c.code : null, client.stdout(), client.stderr(), 7777),
      }).toEqual({
        server: transcript(native.server.code, native.server.stdout, native.server.stderr, nativePort),
        client: transcript(native.client.code, native.client.stdout, native.client.stderr, nativePort),
      });
      expect(network.snapshot()).toEqual({ listeners: [], datagramSockets: [], connections: [] });
    });
  }
});
