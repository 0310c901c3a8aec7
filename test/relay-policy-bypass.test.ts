// A page trying to get around the relay's network policy, all on loopback:
// IPv4-mapped IPv6 addresses, other spellings of a denied host, names that
// resolve to denied addresses, listening outside the allowed port range, and
// datagrams to a denied address from a socket bound to an allowed one. Each
// attempt is refused with EACCES (or, for names, answered without asking a
// resolver), the relay's backend is never even asked to touch the denied
// address, and a real listener placed at each denied target hears nothing.
// Every refusal has a positive control beside it, so the test can fail.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { E } from '../host/src/abi/errno.js';
import { formatIp, formatSockAddr, type SockAddr } from '../host/src/net/addr.js';
import { NetError, type DatagramSocket, type ListenOptions, type Listener, type Stream } from '../host/src/net/backend.js';
import { NodeBackend } from '../host/src/net/node-backend.js';
import type { RelayBackend } from '../host/src/net/relay-backend.js';
import { parseAllowNet } from '../host/src/net/policy.js';
import { DEFAULT_LISTEN_PORTS, RelayRules } from '../host/src/relay/limits.js';
import { encodeAddr, encodeFrame } from '../host/src/relay/frame.js';
import { clientFrames, decodeAddrs } from '../host/src/relay/messages.js';
import { LISTEN_FLAG, OP } from '../host/src/relay/protocol.js';
import type { RelayServer } from '../host/src/relay/server.js';
import { collect, echoServer, openBackend, rawClient, startRelay, type EchoServer, type RawClient } from './helpers/relay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (ip: string, port: number): SockAddr => ({ family: ip.includes(':') ? 6 : 4, ip, port });
const LISTEN = { backlog: 8, ipv6Only: false, reusePort: false };

/** The node backend, recording every real operation the relay asks of it. */
class SpyBackend extends NodeBackend {
  readonly calls: string[] = [];
  override connect(to: SockAddr, from: SockAddr | null): Promise<Stream> {
    this.calls.push(`connect ${formatSockAddr(to)}${from ? ` from ${formatSockAddr(from)}` : ''}`);
    return super.connect(to, from);
  }
  override listen(a: SockAddr, o: ListenOptions, cb: (s: Stream) => void): Promise<Listener> {
    this.calls.push(`listen ${formatSockAddr(a)}`);
    return super.listen(a, o, cb);
  }
  override async bindDatagram(a: SockAddr, o: { ipv6Only: boolean; reuseAddr: boolean }, cb: (d: Uint8Array, f: SockAddr) => void): Promise<DatagramSocket> {
    this.calls.push(`bind ${formatSockAddr(a)}`);
    const udp = await super.bindDatagram(a, o, cb);
    const send = udp.send.bind(udp);
    udp.send = (data, to) => {
      this.calls.push(`sendto ${formatSockAddr(to)}`);
      send(data, to);
    };
    return udp;
  }
  override resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]> {
    this.calls.push(`resolve ${host}`);
    return super.resolve(host, family);
  }
  /** Calls that named `ip` (any spelling the relay would pass on) or `:port`. */
  touching(pred: (call: string) => boolean): string[] {
    return this.calls.filter(pred);
  }
}

/** A TCP and a UDP listener at a denied address: they must hear nothing. */
interface Trap {
  ip: string;
  tcpPort: number;
  udpPort: number;
  heard: string[];
  close(): Promise<void>;
}

async function trap(ip: string): Promise<Trap | null> {
  const heard: string[] = [];
  const server = net.createServer((s) => {
    heard.push(`TCP connection from ${s.remoteAddress}`);
    s.destroy();
  });
  const udp = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (_m, r) => heard.push(`datagram from ${r.address}`));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, ip, () => resolve());
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, ip, () => resolve());
    });
  } catch {
    // No such address on this machine (IPv6 loopback disabled): nothing to trap.
    server.close();
    udp.close();
    return null;
  }
  return {
    ip,
    tcpPort: (server.address() as net.AddressInfo).port,
    udpPort: udp.address().port,
    heard,
    close: () => new Promise<void>((r) => {
      udp.close();
      server.close(() => r());
    }),
  };
}

async function errnoOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetError) return err.errno;
    throw err;
  }
  return 0;
}

/** Sends a request frame and returns its REPLY's errno (0 = success). */
async function replyErrno(c: RawClient, frame: Uint8Array): Promise<number> {
  c.send(frame);
  return (await c.nextOf('reply')).errno;
}

describe('policy bypass attempts (relay allows 127.0.0.1 only)', () => {
  let spy: SpyBackend;
  let relay: RelayServer;
  let page: RelayBackend;
  let raw: RawClient;
  let echo: EchoServer;
  let traps: Trap[];
  let request = 1;
  let socketId = 100;

  beforeAll(async () => {
    spy = new SpyBackend();
    relay = await startRelay({ allowNet: '127.0.0.1', backend: spy });
    page = await openBackend(relay);
    raw = await rawClient(relay.relayUrl);
    echo = await echoServer();
    traps = (await Promise.all(['127.0.0.2', '::1'].map((ip) => trap(ip)))).filter((t): t is Trap => t !== null);
    expect(traps[0]!.ip).toBe('127.0.0.2');
  });

  afterAll(async () => {
    page?.close();
    raw?.ws.terminate();
    await echo?.close();
    await Promise.all((traps ?? []).map((t) => t.close()));
    await relay?.close();
  });

  /** Every denied target, in every form a page can write it as bytes. */
  function deniedForms(port: (t: Trap) => number): SockAddr[] {
    const forms: SockAddr[] = [];
    for (const t of traps) {
      forms.push(at(t.ip, port(t)));
      if (t.ip === '127.0.0.2') forms.push(at('::ffff:127.0.0.2', port(t)));
    }
    return forms;
  }

  it('CONNECT to a denied address, plain or IPv4-mapped, is EACCES, and no connection is attempted', async () => {
    for (const to of deniedForms((t) => t.tcpPort)) {
      expect(await errnoOf(page.connect(to, null)), formatSockAddr(to)).toBe(E.ACCES);
      expect(await replyErrno(raw, clientFrames.connect(socketId++, request++, to, null)), formatSockAddr(to)).toBe(E.ACCES);
    }
    // A denied source address is refused the same way.
    expect(await replyErrno(raw, clientFrames.connect(socketId++, request++, at('127.0.0.1', echo.port), at('::ffff:127.0.0.2', 0)))).toBe(E.ACCES);
    // Control: the IPv4-mapped form of the allowed address is allowed, and reaches 127.0.0.1.
    const mapped = await page.connect(at('::ffff:127.0.0.1', echo.port), null).catch((err: NetError) => err);
    if (!(mapped instanceof NetError && (mapped.errno === E.AFNOSUPPORT || mapped.errno === E.ADDRNOTAVAIL))) {
      expect(mapped).not.toBeInstanceOf(NetError);
      const s = mapped as Stream;
      const c = collect(s);
      s.write(new TextEncoder().encode('mapped'));
      await c.until((x) => x.bytes().toString() === 'mapped');
      s.end();
      expect(echo.sockets.at(-1)!.remoteAddress).toMatch(/127\.0\.0\.1$/);
    }
    expect(spy.touching((c) => c.startsWith('connect') && /127\.0\.0\.2|\[::1\]/.test(c))).toEqual([]);
  });

  it('LISTEN and UDP_BIND on a denied address, plain or IPv4-mapped, are EACCES', async () => {
    for (const a of deniedForms(() => 0)) {
      expect(await errnoOf(page.listen(a, LISTEN, () => {})), formatSockAddr(a)).toBe(E.ACCES);
      expect(await errnoOf(page.bindDatagram(a, { ipv6Only: false, reuseAddr: false }, () => {})), formatSockAddr(a)).toBe(E.ACCES);
    }
    expect(spy.touching((c) => /^(listen|bind) /.test(c) && /127\.0\.0\.2|\[::1\]/.test(c))).toEqual([]);
  });

  it('DATAGRAM to a denied address from a socket bound to an allowed one is EACCES, every time', async () => {
    const peer = dgram.createSocket('udp4');
    const got: string[] = [];
    peer.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const id = socketId++;
    expect(await replyErrno(raw, clientFrames.udpBind(id, request++, at('127.0.0.1', 0), false, false))).toBe(0);
    const allowed = at('127.0.0.1', peer.address().port);
    const denied = deniedForms((t) => t.udpPort);
    // Alternate: the socket has "talked to" an allowed address, which earns nothing.
    for (let round = 0; round < 3; round++) {
      raw.send(clientFrames.datagram(id, allowed, new TextEncoder().encode(`ok ${round}`)));
      for (const to of denied) {
        raw.send(clientFrames.datagram(id, to, new TextEncoder().encode('leak')));
        expect(await raw.nextOf('error'), formatSockAddr(to)).toMatchObject({ socket: id, op: OP.DATAGRAM, errno: E.ACCES });
      }
    }
    // The page's own backend: its send is refused by the relay just the same.
    const udp = await page.bindDatagram(at('127.0.0.1', 0), { ipv6Only: false, reuseAddr: false }, () => {});
    for (const to of denied) udp.send(new TextEncoder().encode('leak'), to);
    udp.send(new TextEncoder().encode('ok page'), allowed);
    for (let i = 0; i < 100 && got.length < 4; i++) await sleep(10);
    expect(got.sort()).toEqual(['ok 0', 'ok 1', 'ok 2', 'ok page']);
    udp.close();
    peer.close();
    expect(spy.touching((c) => c.startsWith('sendto') && /127\.0\.0\.2|\[::1\]/.test(c))).toEqual([]);
  });

  it('other spellings of an address are names, and names are answered without a DNS query', async () => {
    for (const name of ['0x7f.0.0.2', '2130706434', '0177.0.0.2', '127.2', '127.0.0.2.', 'wasock-test.invalid']) {
      expect(await errnoOf(page.resolve(name, 0)), name).toBe(E.NOENT);
    }
    // localhost and names under it come from the host's tables.
    const local = await page.resolve('LOCALHOST.', 4);
    expect(local).toContainEqual({ family: 4, ip: '127.0.0.1', port: 0 });
    expect(await page.resolve('sub.localhost', 4)).toEqual(local);
    // Only localhost ever reached the resolver.
    expect(spy.touching((c) => c.startsWith('resolve'))).toEqual(['resolve localhost', 'resolve localhost']);
  });

  it('the traps heard nothing', async () => {
    await sleep(100);
    for (const t of traps) expect(t.heard, t.ip).toEqual([]);
  });
});

describe('names that resolve to denied addresses (relay allows 127.0.0.2 only)', () => {
  it('localhost resolves, and connecting to any of its addresses is EACCES; the listener there hears nothing', async () => {
    const spy = new SpyBackend();
    const relay = await startRelay({ allowNet: '127.0.0.2', backend: spy });
    const page = await openBackend(relay);
    const heard: string[] = [];
    const server = net.createServer((s) => {
      heard.push(`${s.remoteAddress}`);
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const addrs = await page.resolve('localhost', 0);
    expect(addrs.map((a) => a.ip)).toContain('127.0.0.1');
    for (const a of [...addrs, ...(await page.resolve('app.localhost', 0))]) {
      expect(await errnoOf(page.connect({ ...a, port }, null)), a.ip).toBe(E.ACCES);
    }
    // Control: 127.0.0.2 itself is allowed (nothing listens there on this port: refused, not denied).
    expect(await errnoOf(page.connect(at('127.0.0.2', port), null))).toBe(E.CONNREFUSED);
    await sleep(100);
    expect(heard).toEqual([]);
    expect(spy.touching((c) => c.startsWith('connect') && c.includes(`:${port}`))).toEqual([`connect 127.0.0.2:${port}`]);
    page.close();
    server.close();
    await relay.close();
  });
});

describe('listening outside the allowed port range', () => {
  it('is EACCES whatever the address or flags — before any bind is tried', async () => {
    // Hold a port ourselves and configure the relay's range to exclude it:
    // a relay that tried to bind first would answer EADDRINUSE, not EACCES.
    const held = net.createServer();
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', () => r()));
    const x = (held.address() as net.AddressInfo).port;
    const range = x > 2048 ? `1024-${x - 1}` : `${x + 1}-65535`;
    const spy = new SpyBackend();
    const relay = await startRelay({ listenPorts: range, backend: spy });
    const raw = await rawClient(relay.relayUrl);
    let id = 1;
    const tail = (flags: number) => Uint8Array.of(0, 0, 0, 0, flags, 0, 0, 0);
    const attempts: [string, Uint8Array][] = [];
    for (const ip of ['127.0.0.1', '0.0.0.0', '::ffff:127.0.0.1', '::1', '::']) {
      for (const flags of [0, LISTEN_FLAG.REUSE_PORT, LISTEN_FLAG.IPV6_ONLY]) {
        attempts.push([`LISTEN ${ip}:${x} flags ${flags}`, encodeFrame(OP.LISTEN, id, id++, encodeAddr(at(ip, x)), tail(flags))]);
      }
      attempts.push([`UDP_BIND ${ip}:${x}`, clientFrames.udpBind(id, id++, at(ip, x), false, true)]);
      attempts.push([`CONNECT from ${ip}:${x}`, clientFrames.connect(id, id++, at('127.0.0.1', x), at(ip, x))]);
    }
    attempts.push(['LISTEN 127.0.0.1:80', clientFrames.listen(id, id++, at('127.0.0.1', 80), 0, false, false)]);
    for (const [what, frame] of attempts) expect(await replyErrno(raw, frame), what).toBe(E.ACCES);
    expect(spy.touching((c) => c.includes(`:${x}`) || c.includes(':80'))).toEqual([]);
    // Controls: an ephemeral port is always allowed; a held port inside the range is really tried.
    raw.send(clientFrames.listen(id, id++, at('127.0.0.1', 0), 0, false, false));
    const ok = await raw.nextOf('reply');
    expect(ok.errno).toBe(0);
    const got = decodeAddrs(ok.body, 1)[0]!.port;
    expect(got).toBeGreaterThan(0);
    const inRange = net.createServer();
    const y = x > 2048 ? x - 1 : x + 1;
    const holdsY = await new Promise<boolean>((r) => {
      inRange.once('error', () => r(false));
      inRange.listen(y, '127.0.0.1', () => r(true));
    });
    if (holdsY) expect(await replyErrno(raw, clientFrames.listen(id, id++, at('127.0.0.1', y), 0, false, false))).toBe(E.ADDRINUSE);
    inRange.close();
    raw.ws.terminate();
    held.close();
    await relay.close();
  });
});

describe('the relay’s rules on addresses no test may send to', () => {
  // Pure policy checks: these addresses are built from integers and never
  // handed to a socket.
  const v4 = (...b: number[]) => formatIp(Uint8Array.from(b));
  const v6 = (...words: number[]) => formatIp(Uint8Array.from(words.flatMap((w) => [w >> 8, w & 0xff])));
  const rules = new RelayRules(parseAllowNet(undefined), { ...DEFAULT_LISTEN_PORTS });

  it('loopback-only: every non-loopback form is EACCES, including IPv6 embeddings of a loopback IPv4 address', () => {
    const outside = [
      at(v4(10, 1, 2, 3), 80),
      at(v6(0, 0, 0, 0, 0, 0xffff, (10 << 8) | 1, 0x0203), 80), // an IPv4-mapped address outside loopback
      at(v6(0, 0, 0, 0, 0, 0, 0x7f00, 1), 80), // ::127.0.0.1, IPv4-compatible (deprecated): not loopback
      at(v6(0x64, 0xff9b, 0, 0, 0, 0, 0x7f00, 1), 80), // NAT64 of 127.0.0.1
      at(v6(0x2002, 0x7f00, 1, 0, 0, 0, 0, 1), 80), // 6to4 of 127.0.0.1
      at(v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), 80),
    ];
    for (const a of outside) {
      expect(rules.connect(a, null)?.errno, a.ip).toBe(E.ACCES);
      expect(rules.sendto(a)?.errno, a.ip).toBe(E.ACCES);
      expect(rules.local({ ...a, port: 0 })?.errno, a.ip).toBe(E.ACCES);
    }
    // The unspecified address as a destination (Linux would take it for this host) is no loopback address;
    // as a local address it is narrowed to loopback, so binding it is allowed.
    expect(rules.connect(at(v4(0, 0, 0, 0), 80), null)?.errno).toBe(E.ACCES);
    expect(rules.connect(at('::', 80), null)?.errno).toBe(E.ACCES);
    expect(rules.sendto(at(v4(0, 0, 0, 0), 80))?.errno).toBe(E.ACCES);
    expect(rules.local(at(v4(0, 0, 0, 0), 0))).toBeNull();
    expect(rules.narrow(at(v4(0, 0, 0, 0), 0))).toEqual(at('127.0.0.1', 0));
    // Control: every loopback form passes.
    for (const a of [at('127.0.0.1', 80), at('127.255.0.9', 80), at('::1', 80), at('::ffff:127.0.0.1', 80)]) {
      expect(rules.connect(a, null), a.ip).toBeNull();
    }
  });
});
