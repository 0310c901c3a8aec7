// The relay protocol's codec: frames and addresses round-trip, and every
// rule of docs/relay-protocol.md that a frame can break is caught with the
// close code the spec names.

import { describe, expect, it } from 'vitest';
import { decodeAddr, decodeFrame, encodeAddr, encodeFrame, ProtocolError } from '../host/src/relay/frame.js';
import { clientFrames, decodeAddrs, decodeClientFrame, decodeRelayFrame, decodeResolved, relayFrames } from '../host/src/relay/messages.js';
import { ADDR_BYTES, CLOSE, HEADER_BYTES, MAX_MESSAGE, OP, RELAY_ID_MIN, SOCKOPT } from '../host/src/relay/protocol.js';
import type { SockAddr } from '../host/src/net/addr.js';

const MAX = 128 * 1024;
const A4: SockAddr = { family: 4, ip: '127.0.0.1', port: 8080 };
const A6: SockAddr = { family: 6, ip: '::1', port: 65535 };

function client(frame: Uint8Array) {
  return decodeClientFrame(decodeFrame(frame, MAX));
}

function relay(frame: Uint8Array) {
  return decodeRelayFrame(decodeFrame(frame, MAX));
}

/** The close code a frame is rejected with, or null when it is accepted. */
function codeOf(f: () => unknown): number | null {
  try {
    f();
    return null;
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
}

function header(op: number, socket: number, request: number, payload: number[] = [], patch?: (v: DataView) => void): Uint8Array {
  const frame = encodeFrame(op, socket, request, Uint8Array.from(payload));
  patch?.(new DataView(frame.buffer));
  return frame;
}

describe('frame header', () => {
  it('is 16 little-endian bytes: op, flags, reserved, socket, request, length', () => {
    const f = encodeFrame(OP.DATA, 0x01020304, 0, Uint8Array.of(9, 8, 7));
    expect([...f]).toEqual([0x10, 0, 0, 0, 4, 3, 2, 1, 0, 0, 0, 0, 3, 0, 0, 0, 9, 8, 7]);
    const d = decodeFrame(f, MAX);
    expect({ op: d.op, socket: d.socket, request: d.request, payload: [...d.payload] }).toEqual({ op: 0x10, socket: 0x01020304, request: 0, payload: [9, 8, 7] });
  });

  it('concatenates payload parts', () => {
    const f = encodeFrame(OP.DATA, 1, 0, Uint8Array.of(1), Uint8Array.of(2, 3));
    expect([...decodeFrame(f, MAX).payload]).toEqual([1, 2, 3]);
  });

  it('decodes a frame inside a larger buffer (byteOffset)', () => {
    const inner = encodeFrame(OP.KEEPALIVE, 0, 0);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    expect(decodeFrame(outer.subarray(5), MAX).op).toBe(OP.KEEPALIVE);
  });

  it('refuses short frames, nonzero flags or reserved bytes, and a wrong length field', () => {
    expect(codeOf(() => decodeFrame(new Uint8Array(HEADER_BYTES - 1), MAX))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeFrame(new Uint8Array(0), MAX))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeFrame(header(OP.KEEPALIVE, 0, 0, [], (v) => v.setUint8(1, 1)), MAX))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeFrame(header(OP.KEEPALIVE, 0, 0, [], (v) => v.setUint16(2, 1, true)), MAX))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeFrame(header(OP.DATA, 1, 0, [1, 2], (v) => v.setUint32(12, 1, true)), MAX))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeFrame(header(OP.DATA, 1, 0, [1, 2], (v) => v.setUint32(12, 3, true)), MAX))).toBe(CLOSE.BAD_FRAME);
  });

  it('refuses a frame longer than the maximum with 1009', () => {
    expect(codeOf(() => decodeFrame(new Uint8Array(MAX + 1), MAX))).toBe(CLOSE.TOO_BIG);
    expect(codeOf(() => decodeFrame(encodeFrame(OP.DATA, 1, 0, new Uint8Array(MAX - HEADER_BYTES)), MAX))).toBeNull();
  });
});

describe('addresses', () => {
  it('round-trip IPv4, IPv6 and the IPv4-mapped form', () => {
    for (const a of [A4, A6, { family: 6, ip: '::ffff:127.0.0.1', port: 1 } as SockAddr, { family: 4, ip: '127.255.0.9', port: 0 } as SockAddr]) {
      expect(decodeAddr(encodeAddr(a), 0)).toEqual(a);
    }
  });

  it('lays out family, zero, little-endian port, then the address bytes', () => {
    expect([...encodeAddr(A4)]).toEqual([4, 0, 0x90, 0x1f, 127, 0, 0, 1, ...new Array(12).fill(0)]);
    expect(encodeAddr(null).every((b) => b === 0)).toBe(true);
    expect(encodeAddr(A6).length).toBe(ADDR_BYTES);
  });

  it('refuses unknown families, padding after IPv4, a nonzero reserved byte, and "none" where an address is needed', () => {
    const bad = (patch: (b: Uint8Array) => void, allowNone = false) => {
      const b = encodeAddr(A4);
      patch(b);
      return codeOf(() => decodeAddr(b, 0, allowNone));
    };
    expect(bad((b) => (b[0] = 5))).toBe(CLOSE.BAD_FRAME);
    expect(bad((b) => (b[1] = 1))).toBe(CLOSE.BAD_FRAME);
    expect(bad((b) => (b[19] = 1))).toBe(CLOSE.BAD_FRAME);
    expect(bad((b) => b.fill(0))).toBe(CLOSE.BAD_FRAME);
    expect(bad((b) => b.fill(0), true)).toBeNull();
    expect(bad((b) => { b.fill(0); b[2] = 1; }, true)).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeAddr(new Uint8Array(ADDR_BYTES - 1), 0))).toBe(CLOSE.BAD_FRAME);
  });
});

describe('client frames', () => {
  it('round-trip through the relay-side decoder', () => {
    expect(client(clientFrames.connect(7, 9, A4, null))).toEqual({ kind: 'connect', socket: 7, request: 9, to: A4, from: null });
    expect(client(clientFrames.connect(7, 9, A6, { family: 6, ip: '::1', port: 0 }))).toMatchObject({ from: { family: 6, ip: '::1', port: 0 } });
    expect(client(clientFrames.listen(3, 4, A4, 5, true, false))).toEqual({ kind: 'listen', socket: 3, request: 4, at: A4, backlog: 5, ipv6Only: true, reusePort: false });
    expect(client(clientFrames.udpBind(3, 4, A6, false, true))).toEqual({ kind: 'udp-bind', socket: 3, request: 4, at: A6, ipv6Only: false, reuseAddr: true });
    const r = client(clientFrames.resolve(5, 6, 'localhost'));
    expect(r.kind === 'resolve' && { family: r.family, name: new TextDecoder().decode(r.name) }).toEqual({ family: 6, name: 'localhost' });
    expect(client(clientFrames.data(2, Uint8Array.of(1, 2)))).toMatchObject({ kind: 'data', socket: 2 });
    expect(client(clientFrames.end(2))).toEqual({ kind: 'end', socket: 2, closed: false });
    expect(client(clientFrames.end(2, true))).toEqual({ kind: 'end', socket: 2, closed: true });
    expect(client(clientFrames.reset(2))).toEqual({ kind: 'reset', socket: 2 });
    expect(client(clientFrames.close(2))).toEqual({ kind: 'close', socket: 2 });
    const d = client(clientFrames.datagram(2, A4, Uint8Array.of(5)));
    expect(d.kind === 'datagram' && { addr: d.addr, data: [...d.data] }).toEqual({ addr: A4, data: [5] });
    expect(client(clientFrames.datagram(2, A4, new Uint8Array(0)))).toMatchObject({ kind: 'datagram' });
    expect(client(clientFrames.setopt(2, SOCKOPT.TTL, 64))).toEqual({ kind: 'setopt', socket: 2, option: SOCKOPT.TTL, value: 64 });
    expect(client(clientFrames.credit(RELAY_ID_MIN, 1000))).toEqual({ kind: 'credit', socket: RELAY_ID_MIN, bytes: 1000 });
    expect(client(clientFrames.keepalive())).toEqual({ kind: 'keepalive' });
  });

  it('refuses ops the relay does not take from a client with 4001', () => {
    for (const op of [0x00, 0x05, 0x18, 0x3f, OP.HELLO, OP.REPLY, OP.ERROR, OP.ACCEPT, 0xff]) {
      expect(codeOf(() => client(header(op, 1, 0)))).toBe(CLOSE.UNKNOWN_OP);
    }
  });

  it('refuses wrong ids: opening ops need a client-range socket id and a request id; traffic takes no request id', () => {
    const to = [...encodeAddr(A4), ...encodeAddr(null)];
    expect(codeOf(() => client(header(OP.CONNECT, 0, 1, to)))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.CONNECT, RELAY_ID_MIN, 1, to)))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.CONNECT, 1, 0, to)))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.DATA, 1, 1, [1])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.DATA, 0, 0, [1])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.RESOLVE, 1, 1, [0, 0, 0, 0, 97])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.KEEPALIVE, 1, 0)))).toBe(CLOSE.BAD_FRAME);
  });

  it('refuses payloads of the wrong size or with bad fields', () => {
    expect(codeOf(() => client(header(OP.CONNECT, 1, 1, [...encodeAddr(A4)])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.DATA, 1, 0, [])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.END, 1, 0, [0])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.CREDIT, 1, 0, [0, 0, 0, 0])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.CREDIT, 1, 0, [1, 0, 0])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.SETOPT, 1, 0, [1, 1, 0, 0, 1, 0, 0, 0])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.DATAGRAM, 1, 0, [4, 0, 1])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.RESOLVE, 0, 1, [3, 0, 0, 0, 97])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.RESOLVE, 0, 1, [0, 0, 0, 0])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => client(header(OP.RESOLVE, 0, 1, [0, 0, 0, 0, ...new Array(254).fill(97)])))).toBe(CLOSE.BAD_FRAME);
    const listen = (tail: number[]) => codeOf(() => client(header(OP.LISTEN, 1, 1, [...encodeAddr(A4), ...tail])));
    expect(listen([5, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
    expect(listen([0, 0, 1, 0, 0, 0, 0, 0])).toBe(CLOSE.BAD_FRAME); // backlog 65536
    expect(listen([5, 0, 0, 0, 4, 0, 0, 0])).toBe(CLOSE.BAD_FRAME); // unknown flag
    expect(listen([5, 0, 0, 0, 0, 0, 1, 0])).toBe(CLOSE.BAD_FRAME); // reserved
    const bind = (tail: number[]) => codeOf(() => client(header(OP.UDP_BIND, 1, 1, [...encodeAddr(A4), ...tail])));
    expect(bind([3, 0, 0, 0])).toBeNull();
    expect(bind([8, 0, 0, 0])).toBe(CLOSE.BAD_FRAME);
    expect(bind([0, 0, 0, 1])).toBe(CLOSE.BAD_FRAME);
  });
});

describe('relay frames', () => {
  it('round-trip through the client-side decoder', () => {
    const hello = { version: 1, maxFrameBytes: MAX, windowBytes: 262144, maxSockets: 256, idleMs: 120000, listenPorts: { lo: 1024, hi: 65535 } };
    expect(relay(relayFrames.hello(hello))).toEqual({ kind: 'hello', hello });
    const ok = relay(relayFrames.connected(3, 4, A4, A6));
    expect(ok.kind === 'reply' && { errno: ok.errno, addrs: decodeAddrs(ok.body, 2) }).toEqual({ errno: 0, addrs: [A4, A6] });
    const bound = relay(relayFrames.bound(3, 4, A6));
    expect(bound.kind === 'reply' && decodeAddrs(bound.body, 1)).toEqual([A6]);
    const res = relay(relayFrames.resolved(9, [A4, A6]));
    expect(res.kind === 'reply' && { socket: res.socket, addrs: decodeResolved(res.body) }).toEqual({ socket: 0, addrs: [A4, A6] });
    expect(relay(relayFrames.replyError(3, 4, 14, 'refused'))).toEqual({ kind: 'reply', socket: 3, request: 4, errno: 14, message: 'refused', body: new Uint8Array(0) });
    expect(relay(relayFrames.error(3, OP.DATA, 8, 'no such socket'))).toEqual({ kind: 'error', socket: 3, op: OP.DATA, errno: 8, message: 'no such socket' });
    expect(relay(relayFrames.accept(3, RELAY_ID_MIN + 1, A4, A4))).toEqual({ kind: 'accept', socket: 3, id: RELAY_ID_MIN + 1, local: A4, remote: A4 });
    expect(relay(relayFrames.end(3))).toEqual({ kind: 'end', socket: 3 });
    expect(relay(relayFrames.closed(3))).toEqual({ kind: 'close', socket: 3 });
    expect(relay(relayFrames.reset(3, 15))).toEqual({ kind: 'reset', socket: 3, errno: 15 });
    expect(relay(relayFrames.credit(3, 5))).toEqual({ kind: 'credit', socket: 3, bytes: 5 });
    const dg = relay(relayFrames.datagram(3, A6, Uint8Array.of(1)));
    expect(dg.kind === 'datagram' && { addr: dg.addr, data: [...dg.data] }).toEqual({ addr: A6, data: [1] });
  });

  it('cuts long messages to the limit on a character boundary', () => {
    const m = relay(relayFrames.replyError(1, 1, 2, 'é'.repeat(MAX_MESSAGE)));
    expect(m.kind === 'reply' && new TextEncoder().encode(m.message).length).toBe(MAX_MESSAGE);
  });

  it('keeps at most 64 resolved addresses', () => {
    const m = relay(relayFrames.resolved(1, new Array(100).fill(A4)));
    expect(m.kind === 'reply' && decodeResolved(m.body).length).toBe(64);
  });

  it('refuses client ops, bad HELLO versions, ACCEPT ids outside the relay range, REPLY without request id', () => {
    expect(codeOf(() => relay(clientFrames.connect(1, 1, A4, null)))).toBe(CLOSE.UNKNOWN_OP);
    expect(codeOf(() => relay(header(OP.HELLO, 0, 0, [2, 0, ...new Array(22).fill(0)])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => relay(relayFrames.accept(1, 5, A4, A4)))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => relay(header(OP.REPLY, 1, 0, [0, 0, 0, 0])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => relay(header(OP.ERROR, 1, 0, [1, 0, 8, 0, 0xff])))).toBe(CLOSE.BAD_FRAME);
    expect(codeOf(() => decodeResolved(Uint8Array.of(2, 0, 0, 0)))).toBe(CLOSE.BAD_FRAME);
  });
});
