// An oracle for the relay protocol, written from docs/relay-protocol.md
// alone (not from the relay's decoder): for one client message and what the
// client knows of its sockets, the answers the spec allows — a close code,
// an ERROR errno, a REPLY errno, or silence. The fuzzer (relay-fuzz.test.ts)
// holds the relay to it; relay-oracle.test.ts checks the oracle itself on
// the spec's own examples.
//
// Numbers are copied from the spec's tables on purpose instead of imported
// from host/src/relay/protocol.ts: a drift between the code's table and the
// document then shows up as a fuzz failure.

import { E } from '../../host/src/abi/errno.js';
import { formatIp, isIpv4Mapped, type SockAddr } from '../../host/src/net/addr.js';

// --- the spec's numbers ------------------------------------------------------

/** Section 3. */
export const SPEC_OP = {
  CONNECT: 0x01, LISTEN: 0x02, UDP_BIND: 0x03, RESOLVE: 0x04,
  DATA: 0x10, END: 0x11, RESET: 0x12, CLOSE: 0x13, DATAGRAM: 0x14, SETOPT: 0x15, CREDIT: 0x16, KEEPALIVE: 0x17,
  HELLO: 0x40, REPLY: 0x41, ERROR: 0x42, ACCEPT: 0x43,
} as const;

/** Ops a client may send ("client → relay" or "both"). */
const CLIENT_OPS = new Set<number>([0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17]);

/** Section 11. */
export const SPEC_CLOSE = { GOING_AWAY: 1001, TEXT: 1003, TOO_BIG: 1009, INTERNAL: 1011, BAD_FRAME: 4000, UNKNOWN_OP: 4001, LIMIT: 4002, IDLE: 4003 } as const;

const HEADER = 16;
const ADDR = 20;
const CLIENT_ID_MAX = 0x7fff_ffff;
const MAX_HOST_NAME = 253;

// --- section 2: the layout of one message --------------------------------------

export interface SpecAddr extends SockAddr {
  /** The 4 or 16 address bytes. */
  bytes: Uint8Array;
}

export type ClientFrame =
  | { op: 'connect'; socket: number; request: number; to: SpecAddr; from: SpecAddr | null }
  | { op: 'listen'; socket: number; request: number; at: SpecAddr; backlog: number; flags: number }
  | { op: 'udp-bind'; socket: number; request: number; at: SpecAddr; flags: number }
  | { op: 'resolve'; request: number; family: number; name: Uint8Array }
  | { op: 'data'; socket: number; payload: Uint8Array }
  | { op: 'end'; socket: number; closed: boolean }
  | { op: 'reset' | 'close'; socket: number }
  | { op: 'datagram'; socket: number; to: SpecAddr; payload: Uint8Array }
  | { op: 'setopt'; socket: number; option: number; value: number }
  | { op: 'credit'; socket: number; bytes: number }
  | { op: 'keepalive' };

export type Parsed = { fatal: number; why: string } | { frame: ClientFrame };

const fatal = (code: number, why: string): Parsed => ({ fatal: code, why });

/**
 * Reads one WebSocket message as the spec lays it out. The checks come in
 * the order the spec (section 11, "which check comes first") gives:
 * text, size, header, op, then the op's own layout.
 */
export function parseClientMessage(message: Uint8Array | string, maxFrameBytes: number): Parsed {
  if (typeof message === 'string') return fatal(SPEC_CLOSE.TEXT, 'text message');
  if (message.length > maxFrameBytes) return fatal(SPEC_CLOSE.TOO_BIG, 'longer than maxFrameBytes');
  if (message.length < HEADER) return fatal(SPEC_CLOSE.BAD_FRAME, 'shorter than a header');
  const dv = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const op = message[0]!;
  if (message[1] !== 0) return fatal(SPEC_CLOSE.BAD_FRAME, 'flags');
  if (dv.getUint16(2, true) !== 0) return fatal(SPEC_CLOSE.BAD_FRAME, 'reserved');
  if (dv.getUint32(12, true) !== message.length - HEADER) return fatal(SPEC_CLOSE.BAD_FRAME, 'length field');
  if (!CLIENT_OPS.has(op)) return fatal(SPEC_CLOSE.UNKNOWN_OP, `op 0x${op.toString(16)}`);
  const socket = dv.getUint32(4, true);
  const request = dv.getUint32(8, true);
  const p = message.subarray(HEADER);
  const pv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const bad = (why: string) => fatal(SPEC_CLOSE.BAD_FRAME, why);

  const opening = (): string | null => {
    if (socket < 1 || socket > CLIENT_ID_MAX) return 'opening id out of the client range';
    if (request === 0) return 'request id 0';
    return null;
  };
  const traffic = (): string | null => {
    if (socket === 0) return 'socket id 0';
    if (request !== 0) return 'superfluous request id';
    return null;
  };
  /** Section 2.1. */
  const addr = (at: number, noneAllowed: boolean): SpecAddr | null | string => {
    const family = p[at]!;
    if (p[at + 1] !== 0) return 'address reserved byte';
    const port = pv.getUint16(at + 2, true);
    const bytes = p.slice(at + 4, at + ADDR);
    if (family === 0) {
      if (!noneAllowed) return 'no address where one is required';
      if (port !== 0 || bytes.some((b) => b !== 0)) return '"no address" not all zero';
      return null;
    }
    if (family === 4) {
      if (bytes.subarray(4).some((b) => b !== 0)) return 'IPv4 padding';
      const v4 = bytes.slice(0, 4);
      return { family: 4, ip: formatIp(v4), port, bytes: v4 };
    }
    if (family === 6) return { family: 6, ip: formatIp(bytes), port, bytes };
    return `address family ${family}`;
  };

  switch (op) {
    case SPEC_OP.CONNECT: {
      const why = opening() ?? (p.length !== 2 * ADDR ? 'CONNECT size' : null);
      if (why) return bad(why);
      const to = addr(0, false);
      const from = addr(ADDR, true);
      if (typeof to === 'string' || to === null) return bad(to ?? 'to');
      if (typeof from === 'string') return bad(from);
      return { frame: { op: 'connect', socket, request, to, from } };
    }
    case SPEC_OP.LISTEN: {
      const why = opening() ?? (p.length !== ADDR + 8 ? 'LISTEN size' : null);
      if (why) return bad(why);
      const at = addr(0, false);
      if (typeof at === 'string' || at === null) return bad(at ?? 'at');
      const backlog = pv.getUint32(ADDR, true);
      const flags = p[ADDR + 4]!;
      if (backlog > 65535) return bad('backlog');
      if ((flags & ~3) !== 0) return bad('LISTEN flags');
      if (p[ADDR + 5] || p[ADDR + 6] || p[ADDR + 7]) return bad('LISTEN zero bytes');
      return { frame: { op: 'listen', socket, request, at, backlog, flags } };
    }
    case SPEC_OP.UDP_BIND: {
      const why = opening() ?? (p.length !== ADDR + 4 ? 'UDP_BIND size' : null);
      if (why) return bad(why);
      const at = addr(0, false);
      if (typeof at === 'string' || at === null) return bad(at ?? 'at');
      const flags = p[ADDR]!;
      if ((flags & ~3) !== 0) return bad('UDP_BIND flags');
      if (p[ADDR + 1] || p[ADDR + 2] || p[ADDR + 3]) return bad('UDP_BIND zero bytes');
      return { frame: { op: 'udp-bind', socket, request, at, flags } };
    }
    case SPEC_OP.RESOLVE: {
      if (socket !== 0) return bad('RESOLVE socket id');
      if (request === 0) return bad('RESOLVE request id 0');
      if (p.length < 5 || p.length > 4 + MAX_HOST_NAME) return bad('RESOLVE name length');
      const family = p[0]!;
      if (family !== 0 && family !== 4 && family !== 6) return bad('RESOLVE family');
      if (p[1] || p[2] || p[3]) return bad('RESOLVE zero bytes');
      return { frame: { op: 'resolve', request, family, name: p.slice(4) } };
    }
    case SPEC_OP.DATA: {
      const why = traffic() ?? (p.length === 0 ? 'empty DATA' : null);
      if (why) return bad(why);
      return { frame: { op: 'data', socket, payload: p } };
    }
    case SPEC_OP.END: {
      // Section 3: empty, or (client → relay) u8 flags, 3 zero bytes; section 6.2: flag bit 0 is CLOSED.
      const why = traffic() ?? (p.length !== 0 && p.length !== 4 ? 'END size' : p.length === 4 && (p[0]! & ~1) !== 0 ? 'END flags' : p.length === 4 && (p[1] || p[2] || p[3]) ? 'END zero bytes' : null);
      if (why) return bad(why);
      return { frame: { op: 'end', socket, closed: p.length === 4 && p[0] === 1 } };
    }
    case SPEC_OP.RESET:
    case SPEC_OP.CLOSE: {
      const why = traffic() ?? (p.length !== 0 ? 'payload on RESET/CLOSE' : null);
      if (why) return bad(why);
      return { frame: { op: op === SPEC_OP.RESET ? 'reset' : 'close', socket } };
    }
    case SPEC_OP.DATAGRAM: {
      const why = traffic() ?? (p.length < ADDR ? 'DATAGRAM without an address' : null);
      if (why) return bad(why);
      const to = addr(0, false);
      if (typeof to === 'string' || to === null) return bad(to ?? 'to');
      return { frame: { op: 'datagram', socket, to, payload: p.subarray(ADDR) } };
    }
    case SPEC_OP.SETOPT: {
      const why = traffic() ?? (p.length !== 8 ? 'SETOPT size' : null);
      if (why) return bad(why);
      if (p[1] || p[2] || p[3]) return bad('SETOPT zero bytes');
      return { frame: { op: 'setopt', socket, option: p[0]!, value: pv.getUint32(4, true) } };
    }
    case SPEC_OP.CREDIT: {
      const why = traffic() ?? (p.length !== 4 ? 'CREDIT size' : null);
      if (why) return bad(why);
      const bytes = pv.getUint32(0, true);
      if (bytes === 0) return bad('CREDIT of 0');
      return { frame: { op: 'credit', socket, bytes } };
    }
    case SPEC_OP.KEEPALIVE:
      if (socket !== 0 || request !== 0) return bad('KEEPALIVE ids');
      if (p.length !== 0) return bad('KEEPALIVE payload');
      return { frame: { op: 'keepalive' } };
  }
  return fatal(SPEC_CLOSE.UNKNOWN_OP, 'unreachable');
}

// --- what the client knows of its sockets --------------------------------------

/**
 * Where one socket id may stand on the relay. The client's knowledge can be
 * a set: after its END the relay frees the stream when the peer has ended
 * too, which the client learns only from CLOSE.
 */
export type SockState = 'free' | 'pending' | 'stream' | 'ended' | 'udp' | 'listener';
export type SockKind = 'stream' | 'udp' | 'listener';

/** What a REPLY may carry: 'ok', a given errno, or 'any' errno (the system decides). */
export type ReplyResult = 'ok' | 'any' | number;

/** The relay's configuration, as HELLO and the relay's options tell the client. */
export interface OracleLimits {
  maxFrameBytes: number;
  windowBytes: number;
  maxSockets: number;
  maxResolves: number;
  listenPorts: { lo: number; hi: number };
  /**
   * The relay's network policy: null when allowed, else why not. The fuzzer
   * passes an independent model (helpers/allow-net-model.ts), not the
   * relay's own parser, so a policy bug cannot agree with itself.
   */
  policy: { check(op: 'connect' | 'bind' | 'sendto', addr: SockAddr): string | null };
}

/** One possible answer to one frame. */
export type Outcome =
  | { t: 'silent' }
  | { t: 'error'; op: number; errno: number }
  | { t: 'close'; code: number }
  /** A request: its REPLY (sync or async) carries one of these. */
  | { t: 'reply'; results: Set<ReplyResult> };

export function describeOutcome(o: Outcome): string {
  switch (o.t) {
    case 'silent': return 'silence';
    case 'error': return `ERROR op 0x${o.op.toString(16)} errno ${o.errno}`;
    case 'close': return `close ${o.code}`;
    case 'reply': return `REPLY ${[...o.results].join('|')}`;
  }
}

/** Byte counts of one stream incarnation, as the client saw them. */
export interface StreamFlow {
  /** Bytes of DATA the client sent. */
  sent: number;
  /** CREDIT the relay returned for them. */
  creditBack: number;
  /** DATA bytes received from the relay. */
  received: number;
  /** CREDIT the client granted. */
  credited: number;
  /** Bytes the real peer will send back in all (an echo: what was sent; a sink: 0). */
  peerWillSend: () => number;
}

/**
 * How a request's target behaves on this machine, which only the test's
 * environment knows: 'ok' (a known live target), 'system' (the outcome
 * depends on the system, e.g. IPv6), or 'unsafe' (a random port: the fuzzer
 * must not send it).
 */
export type TargetClass = 'ok' | 'system' | 'unsafe';

export interface OracleEnv {
  limits: OracleLimits;
  /** Classifies a CONNECT that passes every check of the spec. */
  connectTarget(to: SpecAddr, from: SpecAddr | null): TargetClass;
  /** Classifies a LISTEN / UDP_BIND that passes every check of the spec. */
  localTarget(kind: 'listener' | 'udp', at: SpecAddr, flags: number): TargetClass;
  /** Classifies a DATAGRAM destination that passes the policy. */
  datagramTarget(to: SpecAddr): TargetClass;
}

/** The client's model of one connection. */
export interface ModelView {
  states(id: number): ReadonlySet<SockState>;
  /** Lowest and highest number of sockets the relay may count for this page. */
  socketCount(): { min: number; max: number };
  flow(id: number): StreamFlow | undefined;
  /** RESOLVE requests sent and not yet answered. */
  resolvesInFlight(): number;
}

const set = (...r: ReplyResult[]) => new Set<ReplyResult>(r);

function isLoopbackOrUnspecified(a: SpecAddr): boolean {
  const b = a.family === 6 && isIpv4Mapped(a.bytes) ? a.bytes.subarray(12) : a.bytes;
  if (b.length === 4) return b[0] === 127 || b.every((x) => x === 0);
  return b.subarray(0, 15).every((x) => x === 0) && (b[15] === 1 || b[15] === 0);
}

/** May the fuzzer send this address at all? Loopback (or unspecified) only, whatever the policy says. */
export function safeAddress(a: SpecAddr): boolean {
  return isLoopbackOrUnspecified(a);
}

/** Section 9: a local address (LISTEN, UDP_BIND, CONNECT's from). null if allowed. */
function localDenied(l: OracleLimits, at: SpecAddr): boolean {
  if (l.policy.check('bind', at) !== null) return true;
  return at.port !== 0 && (at.port < l.listenPorts.lo || at.port > l.listenPorts.hi);
}

/** Section 8's table for a request: EEXIST, then EMFILE, then the policy. */
function claimResults(v: ModelView, l: OracleLimits, id: number): { results: Set<ReplyResult>; mayClaim: boolean } {
  const results = set();
  const states = v.states(id);
  if ([...states].some((s) => s !== 'free')) results.add(E.EXIST);
  if (!states.has('free')) return { results, mayClaim: false };
  const count = v.socketCount();
  if (count.max >= l.maxSockets) results.add(E.MFILE);
  return { results, mayClaim: count.min < l.maxSockets };
}

/** What the relay may answer a request that passed its layout checks. */
function requestOutcome(f: Extract<ClientFrame, { request: number }>, v: ModelView, env: OracleEnv): Outcome | 'unsafe' {
  const l = env.limits;
  if (f.op === 'resolve') {
    const results = set();
    if (v.resolvesInFlight() >= l.maxResolves) results.add(E.AGAIN);
    let name: string | null;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(f.name);
    } catch {
      name = null;
    }
    if (name === null) results.add(E.INVAL);
    else if (name === 'localhost') {
      // What /etc/hosts says: an IPv6 lookup may find nothing.
      results.add('ok').add(E.NOENT);
    } else return 'unsafe';
    return { t: 'reply', results };
  }
  // The fuzzer never names an address beyond loopback, whatever happens next.
  if (f.op === 'connect' ? !safeAddress(f.to) || (f.from !== null && !safeAddress(f.from)) : !safeAddress(f.at)) return 'unsafe';
  const { results, mayClaim } = claimResults(v, l, f.socket);
  if (mayClaim) {
    // Section 9, then CONNECT's port-0 rule: refused before any traffic.
    let refused: number | null = null;
    let cls: TargetClass = 'ok';
    if (f.op === 'connect') {
      if (l.policy.check('connect', f.to) !== null || (f.from !== null && localDenied(l, f.from))) refused = E.ACCES;
      else if (f.to.port === 0) refused = E.CONNREFUSED;
      else cls = env.connectTarget(f.to, f.from);
    } else if (localDenied(l, f.at)) refused = E.ACCES;
    else cls = env.localTarget(f.op === 'listen' ? 'listener' : 'udp', f.at, f.flags);
    if (cls === 'unsafe') return 'unsafe';
    if (refused !== null) results.add(refused);
    else {
      results.add('ok');
      if (cls === 'system') results.add('any');
    }
  }
  return { t: 'reply', results };
}

/** Section 8's table for socket traffic on an id in state `s`. */
function trafficOutcome(f: ClientFrame, s: SockState, v: ModelView, env: OracleEnv): Outcome[] {
  const l = env.limits;
  const op = specOpOf(f);
  const err = (errno: number): Outcome[] => [{ t: 'error', op, errno }];
  const silent: Outcome[] = [{ t: 'silent' }];
  const id = 'socket' in f ? f.socket : 0;
  switch (f.op) {
    case 'credit': {
      if (s !== 'stream' && s !== 'ended') return silent;
      const flow = v.flow(id);
      if (!flow) return silent;
      const known = flow.received - flow.credited;
      const mostSent = Math.min(flow.peerWillSend(), flow.credited + l.windowBytes) - flow.credited;
      if (f.bytes <= known) return silent;
      if (f.bytes > Math.max(known, mostSent)) return [{ t: 'close', code: SPEC_CLOSE.BAD_FRAME }];
      return [{ t: 'silent' }, { t: 'close', code: SPEC_CLOSE.BAD_FRAME }];
    }
    case 'close':
      return s === 'free' ? err(E.BADF) : silent;
    case 'reset':
      if (s === 'free') return err(E.BADF);
      return s === 'udp' || s === 'listener' ? err(E.INVAL) : silent;
    case 'data':
    case 'end': {
      if (s === 'free') return err(E.BADF);
      if (s === 'pending') return err(E.NOTCONN);
      if (s === 'udp' || s === 'listener') return err(E.INVAL);
      if (s === 'ended') return f.op === 'data' ? err(E.PIPE) : silent;
      if (f.op !== 'data') return silent;
      const flow = v.flow(id);
      const unacked = flow ? flow.sent - flow.creditBack : 0;
      if (unacked + f.payload.length <= l.windowBytes) return silent;
      return [{ t: 'silent' }, { t: 'close', code: SPEC_CLOSE.LIMIT }];
    }
    case 'datagram': {
      if (s === 'free') return err(E.BADF);
      if (s === 'pending') return err(E.NOTCONN);
      if (s !== 'udp') return err(E.INVAL);
      if (l.policy.check('sendto', f.to) !== null) return err(E.ACCES);
      if (f.to.port === 0) return err(E.INVAL);
      return silent;
    }
    case 'setopt': {
      if (s === 'free') return err(E.BADF);
      if (s === 'pending') return err(E.NOTCONN);
      const bool = f.value === 0 || f.value === 1;
      const stream = s === 'stream' || s === 'ended';
      switch (f.option) {
        case 1: case 2: return stream && bool ? silent : err(E.INVAL);
        case 3: return s === 'udp' && bool ? silent : err(E.INVAL);
        case 4: return s === 'udp' && f.value >= 1 && f.value <= 255 ? silent : err(E.INVAL);
        default: return err(E.NOPROTOOPT);
      }
    }
    default:
      return silent;
  }
}

export function specOpOf(f: ClientFrame): number {
  switch (f.op) {
    case 'connect': return SPEC_OP.CONNECT;
    case 'listen': return SPEC_OP.LISTEN;
    case 'udp-bind': return SPEC_OP.UDP_BIND;
    case 'resolve': return SPEC_OP.RESOLVE;
    case 'data': return SPEC_OP.DATA;
    case 'end': return SPEC_OP.END;
    case 'reset': return SPEC_OP.RESET;
    case 'close': return SPEC_OP.CLOSE;
    case 'datagram': return SPEC_OP.DATAGRAM;
    case 'setopt': return SPEC_OP.SETOPT;
    case 'credit': return SPEC_OP.CREDIT;
    case 'keepalive': return SPEC_OP.KEEPALIVE;
  }
}

export interface Verdict {
  /** The answers the spec allows, deduplicated. */
  outcomes: Outcome[];
  parsed: Parsed;
}

function key(o: Outcome): string {
  return o.t === 'reply' ? `reply:${[...o.results].sort().join(',')}` : describeOutcome(o);
}

/**
 * The answers the spec allows for `message`, given what the client knows;
 * 'unsafe' when the frame is well formed but aims at a target the test must
 * not touch (a random port, a non-loopback address, a name DNS would see).
 */
export function judge(message: Uint8Array | string, v: ModelView, env: OracleEnv): Verdict | 'unsafe' {
  const parsed = parseClientMessage(message, env.limits.maxFrameBytes);
  if ('fatal' in parsed) return { outcomes: [{ t: 'close', code: parsed.fatal }], parsed };
  const f = parsed.frame;
  if (f.op === 'connect' || f.op === 'listen' || f.op === 'udp-bind' || f.op === 'resolve') {
    const o = requestOutcome(f, v, env);
    return o === 'unsafe' ? 'unsafe' : { outcomes: [o], parsed };
  }
  if (f.op === 'keepalive') return { outcomes: [{ t: 'silent' }], parsed };
  if (f.op === 'datagram') {
    if (!safeAddress(f.to)) return 'unsafe';
    if (env.limits.policy.check('sendto', f.to) === null && f.to.port !== 0 && env.datagramTarget(f.to) === 'unsafe' && v.states(f.socket).has('udp')) return 'unsafe';
  }
  const outcomes = new Map<string, Outcome>();
  for (const s of v.states(f.socket)) for (const o of trafficOutcome(f, s, v, env)) outcomes.set(key(o), o);
  return { outcomes: [...outcomes.values()], parsed };
}

// --- matching what came back ---------------------------------------------------

export interface ObservedError {
  socket: number;
  op: number;
  errno: number;
}

/** One frame of a burst as sent: its socket id and the outcomes allowed. */
export interface SentFrame {
  socket: number;
  outcomes: Outcome[];
  label: string;
}

/**
 * Do the ERROR frames and the close code observed after a burst fit the
 * outcomes allowed for each frame? Frames are answered in order; ERRORs for
 * one (socket, op) pair are matched in order, and a frame may end the
 * connection only where its outcomes allow that code, after which later
 * frames go unanswered. Returns null when they fit, else why not.
 */
export function matchBurst(frames: SentFrame[], errors: ObservedError[], close: number | null): string | null {
  const mustClose = frames.findIndex((f) => f.outcomes.every((o) => o.t === 'close'));
  const candidates: number[] = [];
  if (close === null) {
    if (mustClose !== -1) return `frame ${mustClose} (${frames[mustClose]!.label}) must close the connection, yet it stayed open`;
    candidates.push(frames.length);
  } else {
    const last = mustClose === -1 ? frames.length - 1 : mustClose;
    for (let i = 0; i <= last; i++) if (frames[i]!.outcomes.some((o) => o.t === 'close' && o.code === close)) candidates.push(i);
    if (candidates.length === 0) {
      return `closed with ${close}, which no frame allows (${frames.map((f) => `${f.label} → ${f.outcomes.map(describeOutcome).join(' / ')}`).join('; ')})`;
    }
  }
  let why = '';
  for (const end of candidates) {
    const r = matchErrors(frames.slice(0, end), errors);
    if (r === null) return null;
    why = r;
  }
  return why;
}

function matchErrors(frames: SentFrame[], errors: ObservedError[]): string | null {
  const groups = new Map<string, { frames: Outcome[][]; errors: number[] }>();
  const g = (socket: number, op: number) => {
    const k = `${socket}/${op}`;
    let v = groups.get(k);
    if (!v) groups.set(k, (v = { frames: [], errors: [] }));
    return v;
  };
  // A frame that may answer with an ERROR is entered under the (socket, op)
  // of that ERROR; a frame that is only ever silent needs no entry.
  for (const f of frames) {
    const errs = f.outcomes.filter((o): o is Extract<Outcome, { t: 'error' }> => o.t === 'error');
    if (errs.length === 0) {
      if (!f.outcomes.some((o) => o.t === 'silent' || o.t === 'reply')) return `frame ${f.label} allows nothing but closing`;
      continue;
    }
    g(f.socket, errs[0]!.op).frames.push(f.outcomes);
  }
  for (const e of errors) {
    const group = groups.get(`${e.socket}/${e.op}`);
    if (!group) return `unexpected ERROR socket ${e.socket} op 0x${e.op.toString(16)} errno ${e.errno}`;
    group.errors.push(e.errno);
  }
  for (const [k, group] of groups) {
    // reach[j]: the first j errors can be explained by the frames so far.
    let reach = new Set<number>([0]);
    for (const outcomes of group.frames) {
      const next = new Set<number>();
      const silentOk = outcomes.some((o) => o.t === 'silent' || o.t === 'reply');
      for (const j of reach) {
        if (silentOk) next.add(j);
        const errno = group.errors[j];
        if (errno !== undefined && outcomes.some((o) => o.t === 'error' && o.errno === errno)) next.add(j + 1);
      }
      reach = next;
    }
    if (!reach.has(group.errors.length)) {
      return `ERRORs for ${k} were [${group.errors.join(', ')}], the frames allowed ${group.frames.map((o) => `(${o.map(describeOutcome).join(' / ')})`).join(' then ')}`;
    }
  }
  return null;
}
