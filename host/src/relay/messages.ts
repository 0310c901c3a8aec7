// Each op's payload, both ways: the client encodes requests and the relay
// decodes them with strict checks (a frame that breaks a rule closes the
// connection with the code the spec names); the relay encodes its frames
// and the client decodes them with the same strictness. Pure.

import {
  ADDR_BYTES, BIND_FLAG, CLIENT_ID_MAX, CLOSE, END_FLAG, LISTEN_FLAG, MAX_HOST_NAME, MAX_MESSAGE, MAX_RESOLVED,
  OP, OP_NAMES, PROTOCOL_VERSION, RELAY_ID_MIN, type RelayHello,
} from './protocol.js';
import { badFrame, decodeAddr, encodeAddr, encodeFrame, ProtocolError, view, type Frame } from './frame.js';
import type { SockAddr } from '../net/addr.js';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

// --- client → relay --------------------------------------------------------

export type ClientMessage =
  | { kind: 'connect'; socket: number; request: number; to: SockAddr; from: SockAddr | null }
  | { kind: 'listen'; socket: number; request: number; at: SockAddr; backlog: number; ipv6Only: boolean; reusePort: boolean }
  | { kind: 'udp-bind'; socket: number; request: number; at: SockAddr; ipv6Only: boolean; reuseAddr: boolean }
  | { kind: 'resolve'; request: number; family: 0 | 4 | 6; name: Uint8Array }
  | { kind: 'data'; socket: number; data: Uint8Array }
  | { kind: 'end'; socket: number; closed: boolean }
  | { kind: 'reset' | 'close'; socket: number }
  | { kind: 'datagram'; socket: number; addr: SockAddr; data: Uint8Array }
  | { kind: 'setopt'; socket: number; option: number; value: number }
  | { kind: 'credit'; socket: number; bytes: number }
  | { kind: 'keepalive' };

function expectLength(f: Frame, bytes: number): void {
  if (f.payload.length !== bytes) badFrame(`${OP_NAMES[f.op]} payload must be ${bytes} bytes, not ${f.payload.length}`);
}

function expectMinLength(f: Frame, bytes: number): void {
  if (f.payload.length < bytes) badFrame(`${OP_NAMES[f.op]} payload must be at least ${bytes} bytes, not ${f.payload.length}`);
}

/** A request opening a socket: a fresh client-range id and a request id. */
function expectOpening(f: Frame): void {
  if (f.socket === 0 || f.socket > CLIENT_ID_MAX) badFrame(`${OP_NAMES[f.op]} needs a socket id from 1 to ${CLIENT_ID_MAX}`);
  if (f.request === 0) badFrame(`${OP_NAMES[f.op]} needs a nonzero request id`);
}

/** Socket traffic: a socket id, no request id. */
function expectCommand(f: Frame): void {
  if (f.socket === 0) badFrame(`${OP_NAMES[f.op]} needs a socket id`);
  if (f.request !== 0) badFrame(`${OP_NAMES[f.op]} takes no request id`);
}

function zeros(bytes: Uint8Array, what: string): void {
  if (bytes.some((b) => b !== 0)) badFrame(`${what} must be zero`);
}

function flags(byte: number, known: number, what: string): number {
  if ((byte & ~known) !== 0) badFrame(`unknown ${what} flags 0x${byte.toString(16)}`);
  return byte;
}

/** The relay's view of one client frame; throws ProtocolError on any rule broken. */
export function decodeClientFrame(f: Frame): ClientMessage {
  const p = f.payload;
  switch (f.op) {
    case OP.CONNECT:
      expectOpening(f);
      expectLength(f, 2 * ADDR_BYTES);
      return { kind: 'connect', socket: f.socket, request: f.request, to: decodeAddr(p, 0)!, from: decodeAddr(p, ADDR_BYTES, true) };
    case OP.LISTEN: {
      expectOpening(f);
      expectLength(f, ADDR_BYTES + 8);
      const backlog = view(p).getUint32(ADDR_BYTES, true);
      if (backlog > 65535) badFrame(`backlog ${backlog} exceeds 65535`);
      const fl = flags(p[ADDR_BYTES + 4]!, LISTEN_FLAG.IPV6_ONLY | LISTEN_FLAG.REUSE_PORT, 'LISTEN');
      zeros(p.subarray(ADDR_BYTES + 5), 'LISTEN reserved bytes');
      return { kind: 'listen', socket: f.socket, request: f.request, at: decodeAddr(p, 0)!, backlog, ipv6Only: (fl & LISTEN_FLAG.IPV6_ONLY) !== 0, reusePort: (fl & LISTEN_FLAG.REUSE_PORT) !== 0 };
    }
    case OP.UDP_BIND: {
      expectOpening(f);
      expectLength(f, ADDR_BYTES + 4);
      const fl = flags(p[ADDR_BYTES]!, BIND_FLAG.IPV6_ONLY | BIND_FLAG.REUSE_ADDR, 'UDP_BIND');
      zeros(p.subarray(ADDR_BYTES + 1), 'UDP_BIND reserved bytes');
      return { kind: 'udp-bind', socket: f.socket, request: f.request, at: decodeAddr(p, 0)!, ipv6Only: (fl & BIND_FLAG.IPV6_ONLY) !== 0, reuseAddr: (fl & BIND_FLAG.REUSE_ADDR) !== 0 };
    }
    case OP.RESOLVE: {
      if (f.socket !== 0) badFrame('RESOLVE takes no socket id');
      if (f.request === 0) badFrame('RESOLVE needs a nonzero request id');
      expectMinLength(f, 5);
      const family = p[0]!;
      if (family !== 0 && family !== 4 && family !== 6) badFrame(`RESOLVE family ${family} is not 0, 4 or 6`);
      zeros(p.subarray(1, 4), 'RESOLVE reserved bytes');
      const name = p.subarray(4);
      if (name.length > MAX_HOST_NAME) badFrame(`host name of ${name.length} bytes exceeds ${MAX_HOST_NAME}`);
      return { kind: 'resolve', request: f.request, family, name };
    }
    case OP.DATA:
      expectCommand(f);
      expectMinLength(f, 1);
      return { kind: 'data', socket: f.socket, data: p };
    case OP.END: {
      expectCommand(f);
      // Empty (shutdown), or flags and three reserved bytes.
      if (p.length === 0) return { kind: 'end', socket: f.socket, closed: false };
      expectLength(f, 4);
      const fl = flags(p[0]!, END_FLAG.CLOSED, 'END');
      zeros(p.subarray(1, 4), 'END reserved bytes');
      return { kind: 'end', socket: f.socket, closed: (fl & END_FLAG.CLOSED) !== 0 };
    }
    case OP.RESET:
    case OP.CLOSE:
      expectCommand(f);
      expectLength(f, 0);
      return { kind: f.op === OP.RESET ? 'reset' : 'close', socket: f.socket };
    case OP.DATAGRAM:
      expectCommand(f);
      expectMinLength(f, ADDR_BYTES);
      return { kind: 'datagram', socket: f.socket, addr: decodeAddr(p, 0)!, data: p.subarray(ADDR_BYTES) };
    case OP.SETOPT:
      expectCommand(f);
      expectLength(f, 8);
      zeros(p.subarray(1, 4), 'SETOPT reserved bytes');
      return { kind: 'setopt', socket: f.socket, option: p[0]!, value: view(p).getUint32(4, true) };
    case OP.CREDIT: {
      expectCommand(f);
      expectLength(f, 4);
      const bytes = view(p).getUint32(0, true);
      if (bytes === 0) badFrame('CREDIT of 0 bytes');
      return { kind: 'credit', socket: f.socket, bytes };
    }
    case OP.KEEPALIVE:
      if (f.socket !== 0 || f.request !== 0) badFrame('KEEPALIVE takes no socket or request id');
      expectLength(f, 0);
      return { kind: 'keepalive' };
    default:
      throw new ProtocolError(CLOSE.UNKNOWN_OP, `op 0x${f.op.toString(16).padStart(2, '0')} is not a client op`);
  }
}

function u32(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4);
  view(out).setUint32(0, n, true);
  return out;
}

/** Client-side encoders. */
export const clientFrames = {
  connect(socket: number, request: number, to: SockAddr, from: SockAddr | null) {
    return encodeFrame(OP.CONNECT, socket, request, encodeAddr(to), encodeAddr(from));
  },
  listen(socket: number, request: number, at: SockAddr, backlog: number, ipv6Only: boolean, reusePort: boolean) {
    const tail = new Uint8Array(8);
    view(tail).setUint32(0, Math.max(0, Math.min(65535, backlog)), true);
    tail[4] = (ipv6Only ? LISTEN_FLAG.IPV6_ONLY : 0) | (reusePort ? LISTEN_FLAG.REUSE_PORT : 0);
    return encodeFrame(OP.LISTEN, socket, request, encodeAddr(at), tail);
  },
  udpBind(socket: number, request: number, at: SockAddr, ipv6Only: boolean, reuseAddr: boolean) {
    const tail = new Uint8Array(4);
    tail[0] = (ipv6Only ? BIND_FLAG.IPV6_ONLY : 0) | (reuseAddr ? BIND_FLAG.REUSE_ADDR : 0);
    return encodeFrame(OP.UDP_BIND, socket, request, encodeAddr(at), tail);
  },
  resolve(request: number, family: 0 | 4 | 6, name: string) {
    return encodeFrame(OP.RESOLVE, 0, request, Uint8Array.of(family, 0, 0, 0), utf8.encode(name));
  },
  data(socket: number, data: Uint8Array) {
    return encodeFrame(OP.DATA, socket, 0, data);
  },
  /** END; `closed`: the page closed its socket (section 6.2), not only shut down its sending side. */
  end(socket: number, closed = false) {
    return closed ? encodeFrame(OP.END, socket, 0, Uint8Array.of(END_FLAG.CLOSED, 0, 0, 0)) : encodeFrame(OP.END, socket, 0);
  },
  reset(socket: number) {
    return encodeFrame(OP.RESET, socket, 0);
  },
  close(socket: number) {
    return encodeFrame(OP.CLOSE, socket, 0);
  },
  datagram(socket: number, to: SockAddr, data: Uint8Array) {
    return encodeFrame(OP.DATAGRAM, socket, 0, encodeAddr(to), data);
  },
  setopt(socket: number, option: number, value: number) {
    const p = new Uint8Array(8);
    p[0] = option;
    view(p).setUint32(4, value >>> 0, true);
    return encodeFrame(OP.SETOPT, socket, 0, p);
  },
  credit(socket: number, bytes: number) {
    return encodeFrame(OP.CREDIT, socket, 0, u32(bytes));
  },
  keepalive() {
    return encodeFrame(OP.KEEPALIVE, 0, 0);
  },
};

// --- relay → client --------------------------------------------------------

export type RelayMessage =
  | { kind: 'hello'; hello: RelayHello }
  /** `body` is the op-specific result after the errno (empty on error). */
  | { kind: 'reply'; socket: number; request: number; errno: number; message: string; body: Uint8Array }
  | { kind: 'error'; socket: number; op: number; errno: number; message: string }
  | { kind: 'accept'; socket: number; id: number; local: SockAddr; remote: SockAddr }
  | { kind: 'data'; socket: number; data: Uint8Array }
  | { kind: 'end' | 'close'; socket: number }
  | { kind: 'reset'; socket: number; errno: number }
  | { kind: 'datagram'; socket: number; addr: SockAddr; data: Uint8Array }
  | { kind: 'credit'; socket: number; bytes: number };

function text(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return badFrame('message is not UTF-8');
  }
}

function errnoHeader(errno: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4);
  view(out).setUint16(0, errno, true);
  return out;
}

function messageBytes(message: string): Uint8Array<ArrayBuffer> {
  const bytes = utf8.encode(message);
  if (bytes.length <= MAX_MESSAGE) return bytes;
  // Cut on a character boundary so the text stays valid UTF-8.
  let end = MAX_MESSAGE;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.slice(0, end);
}

/** Relay-side encoders. */
export const relayFrames = {
  hello(h: RelayHello) {
    const p = new Uint8Array(24);
    const v = view(p);
    v.setUint16(0, h.version, true);
    v.setUint32(4, h.maxFrameBytes, true);
    v.setUint32(8, h.windowBytes, true);
    v.setUint32(12, h.maxSockets, true);
    v.setUint32(16, h.idleMs, true);
    v.setUint16(20, h.listenPorts.lo, true);
    v.setUint16(22, h.listenPorts.hi, true);
    return encodeFrame(OP.HELLO, 0, 0, p);
  },
  replyOk(socket: number, request: number, ...body: Uint8Array[]) {
    return encodeFrame(OP.REPLY, socket, request, errnoHeader(0), ...body);
  },
  replyError(socket: number, request: number, errno: number, message = '') {
    return encodeFrame(OP.REPLY, socket, request, errnoHeader(errno), messageBytes(message));
  },
  connected(socket: number, request: number, local: SockAddr, remote: SockAddr) {
    return relayFrames.replyOk(socket, request, encodeAddr(local), encodeAddr(remote));
  },
  bound(socket: number, request: number, local: SockAddr) {
    return relayFrames.replyOk(socket, request, encodeAddr(local));
  },
  resolved(request: number, addrs: SockAddr[]) {
    const list = addrs.slice(0, MAX_RESOLVED);
    return relayFrames.replyOk(0, request, u32(list.length), ...list.map((a) => encodeAddr(a)));
  },
  error(socket: number, op: number, errno: number, message = '') {
    const head = new Uint8Array(4);
    head[0] = op;
    view(head).setUint16(2, errno, true);
    return encodeFrame(OP.ERROR, socket, 0, head, messageBytes(message));
  },
  accept(listener: number, id: number, local: SockAddr, remote: SockAddr) {
    return encodeFrame(OP.ACCEPT, listener, 0, u32(id), encodeAddr(local), encodeAddr(remote));
  },
  data(socket: number, data: Uint8Array) {
    return encodeFrame(OP.DATA, socket, 0, data);
  },
  end(socket: number) {
    return encodeFrame(OP.END, socket, 0);
  },
  reset(socket: number, errno: number) {
    return encodeFrame(OP.RESET, socket, 0, errnoHeader(errno));
  },
  closed(socket: number) {
    return encodeFrame(OP.CLOSE, socket, 0);
  },
  datagram(socket: number, from: SockAddr, data: Uint8Array) {
    return encodeFrame(OP.DATAGRAM, socket, 0, encodeAddr(from), data);
  },
  credit(socket: number, bytes: number) {
    return encodeFrame(OP.CREDIT, socket, 0, u32(bytes));
  },
};

function expectNoRequest(f: Frame): void {
  if (f.request !== 0) badFrame(`${OP_NAMES[f.op]} takes no request id`);
}

/** The client's view of one relay frame; throws ProtocolError on any rule broken. */
export function decodeRelayFrame(f: Frame): RelayMessage {
  const p = f.payload;
  switch (f.op) {
    case OP.HELLO: {
      expectLength(f, 24);
      const v = view(p);
      const version = v.getUint16(0, true);
      if (version !== PROTOCOL_VERSION) badFrame(`protocol version ${version} is not ${PROTOCOL_VERSION}`);
      return {
        kind: 'hello',
        hello: {
          version,
          maxFrameBytes: v.getUint32(4, true),
          windowBytes: v.getUint32(8, true),
          maxSockets: v.getUint32(12, true),
          idleMs: v.getUint32(16, true),
          listenPorts: { lo: v.getUint16(20, true), hi: v.getUint16(22, true) },
        },
      };
    }
    case OP.REPLY: {
      if (f.request === 0) badFrame('REPLY without a request id');
      expectMinLength(f, 4);
      const errno = view(p).getUint16(0, true);
      const rest = p.subarray(4);
      return errno === 0
        ? { kind: 'reply', socket: f.socket, request: f.request, errno, message: '', body: rest }
        : { kind: 'reply', socket: f.socket, request: f.request, errno, message: text(rest), body: new Uint8Array(0) };
    }
    case OP.ERROR:
      expectNoRequest(f);
      expectMinLength(f, 4);
      return { kind: 'error', socket: f.socket, op: p[0]!, errno: view(p).getUint16(2, true), message: text(p.subarray(4)) };
    case OP.ACCEPT: {
      expectNoRequest(f);
      expectLength(f, 4 + 2 * ADDR_BYTES);
      const id = view(p).getUint32(0, true);
      if (id < RELAY_ID_MIN) badFrame(`ACCEPT id ${id} is not in the relay's range`);
      return { kind: 'accept', socket: f.socket, id, local: decodeAddr(p, 4)!, remote: decodeAddr(p, 4 + ADDR_BYTES)! };
    }
    case OP.DATA:
      expectNoRequest(f);
      expectMinLength(f, 1);
      return { kind: 'data', socket: f.socket, data: p };
    case OP.END:
    case OP.CLOSE:
      expectNoRequest(f);
      expectLength(f, 0);
      return { kind: f.op === OP.END ? 'end' : 'close', socket: f.socket };
    case OP.RESET:
      expectNoRequest(f);
      expectLength(f, 4);
      return { kind: 'reset', socket: f.socket, errno: view(p).getUint16(0, true) };
    case OP.DATAGRAM:
      expectNoRequest(f);
      expectMinLength(f, ADDR_BYTES);
      return { kind: 'datagram', socket: f.socket, addr: decodeAddr(p, 0)!, data: p.subarray(ADDR_BYTES) };
    case OP.CREDIT: {
      expectNoRequest(f);
      expectLength(f, 4);
      const bytes = view(p).getUint32(0, true);
      if (bytes === 0) badFrame('CREDIT of 0 bytes');
      return { kind: 'credit', socket: f.socket, bytes };
    }
    default:
      throw new ProtocolError(CLOSE.UNKNOWN_OP, `op 0x${f.op.toString(16).padStart(2, '0')} is not a relay op`);
  }
}

/** Decodes the addresses of a successful RESOLVE reply body. */
export function decodeResolved(body: Uint8Array): SockAddr[] {
  if (body.length < 4) badFrame('RESOLVE reply truncated');
  const count = view(body).getUint32(0, true);
  if (count > MAX_RESOLVED || body.length !== 4 + count * ADDR_BYTES) badFrame('RESOLVE reply length does not match its count');
  const out: SockAddr[] = [];
  for (let i = 0; i < count; i++) out.push(decodeAddr(body, 4 + i * ADDR_BYTES)!);
  return out;
}

/** Decodes `n` addresses of a CONNECT (2) or LISTEN/UDP_BIND (1) reply body. */
export function decodeAddrs(body: Uint8Array, n: 1 | 2): SockAddr[] {
  if (body.length !== n * ADDR_BYTES) badFrame(`reply body must be ${n * ADDR_BYTES} bytes, not ${body.length}`);
  return n === 1 ? [decodeAddr(body, 0)!] : [decodeAddr(body, 0)!, decodeAddr(body, ADDR_BYTES)!];
}
