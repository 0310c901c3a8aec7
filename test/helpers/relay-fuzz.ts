// The machinery of the relay fuzzer (relay-fuzz.test.ts): the loopback
// targets bad clients may reach, a bad client that sends generated frames
// and holds every answer to the oracle (relay-oracle.ts), the recipes
// fast-check generates, and good clients whose traffic must stay intact.

import net from 'node:net';
import dgram from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { E } from '../../host/src/abi/errno.js';
import type { SockAddr } from '../../host/src/net/addr.js';
import { RelayBackend, type RelayWebSocket } from '../../host/src/net/relay-backend.js';
import type { RelayStream } from '../../host/src/net/relay-stream.js';
import type { Stream } from '../../host/src/net/backend.js';
import { decodeFrame, encodeAddr, encodeFrame } from '../../host/src/relay/frame.js';
import { decodeAddrs, decodeRelayFrame, type RelayMessage } from '../../host/src/relay/messages.js';
import { RELAY_SUBPROTOCOL } from '../../host/src/relay/protocol.js';
import {
  judge, matchBurst, SPEC_OP,
  type ClientFrame, type ModelView, type ObservedError, type OracleEnv, type Outcome, type ReplyResult, type SentFrame, type SockKind, type SockState, type StreamFlow,
} from './relay-oracle.js';
import { collect, writeAll } from './relay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stands for a text message that is not UTF-8 (a JS string cannot hold one); transmit() sends the bytes. */
export const INVALID_TEXT = '\u0000(not UTF-8)';

/** The id every burst ends with: CLOSE on it always answers ERROR EBADF, which marks the end of the answers. */
export const PING_ID = 0x7fff_ffff;
/** How long any single answer may take, under a loaded CI machine. */
const ANSWER_MS = 15_000;

// --- loopback targets ------------------------------------------------------------

export interface Targets {
  /** Echoes what it receives. */
  echoPort: number;
  /** Accepts and never reads. */
  stallPort: number;
  /** Echoes every datagram to its sender. */
  udpPort: number;
  /** Connects to a page's listener from here and echoes: the peer of an accepted stream. */
  connectEcho(port: number): void;
  close(): Promise<void>;
}

export async function startTargets(): Promise<Targets> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  };
  const listen = (onSocket: (s: net.Socket) => void, pauseOnConnect = false) => new Promise<net.Server>((resolve) => {
    const server = net.createServer({ pauseOnConnect }, (s) => {
      track(s);
      onSocket(s);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
  const echo = await listen((s) => s.pipe(s));
  // Never reads at all, not even the FIN: the kernel's buffers fill and stay full.
  const stall = await listen(() => {}, true);
  const udp = dgram.createSocket('udp4');
  udp.on('error', () => {});
  udp.on('message', (msg, rinfo) => udp.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  return {
    echoPort: (echo.address() as net.AddressInfo).port,
    stallPort: (stall.address() as net.AddressInfo).port,
    udpPort: udp.address().port,
    connectEcho(port) {
      const s = net.connect(port, '127.0.0.1');
      track(s);
      s.pipe(s);
    },
    async close() {
      for (const s of sockets) s.destroy();
      udp.close();
      await Promise.all([echo, stall].map((server) => new Promise<void>((r) => server.close(() => r()))));
    },
  };
}

// --- the client's model of its sockets ------------------------------------------------

/** Everything sent on one stream, to check its echo byte for byte. */
class ByteLog {
  buf = new Uint8Array(4096);
  length = 0;

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes.length));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  appendLog(other: ByteLog): void {
    this.append(other.buf.subarray(0, other.length));
  }

  matches(at: number, bytes: Uint8Array): boolean {
    if (at + bytes.length > this.length) return false;
    return Buffer.from(this.buf.buffer, at, bytes.length).equals(bytes);
  }
}

interface Flow extends StreamFlow {
  /** Bytes the relay certainly took, in order: what an echo peer sends back. */
  log: ByteLog;
  peer: 'echo' | 'sink';
  /**
   * DATA sent while the REPLY may or may not have been sent: the relay
   * answers ENOTCONN to those that came before it and takes the rest, so the
   * ones it took are a suffix of these. Resolved at the end of the burst.
   */
  maybe: Uint8Array[];
  /** Bytes received while `maybe` is unresolved, checked once it is. */
  stash: Uint8Array[];
  /** Received bytes already compared with the log. */
  checked: number;
}

/** One life of a socket id. */
interface Sock {
  id: number;
  states: Set<SockState>;
  kind: SockKind;
  /** The request that opens it, while it is pending. */
  request: number;
  flow?: Flow;
  /** Datagrams sent and not yet echoed, by content. */
  udpSent?: Map<string, number>;
  localPort?: number;
  acceptedFrom?: number;
  /** The id's previous life, whose last frames may still be on their way until this one's REPLY. */
  previous?: Sock;
  /** Its REPLY (or ACCEPT) has arrived: frames about the id are about this life from now on. */
  replied: boolean;
}

interface Req {
  socket: number;
  kind: SockKind | 'resolve';
  allowed: Set<ReplyResult>;
  sock?: Sock;
  label: string;
}

const FREE: ReadonlySet<SockState> = new Set<SockState>(['free']);

class Model implements ModelView {
  readonly socks = new Map<number, Sock>();
  readonly requests = new Map<number, Req>();
  nextId = 1;
  nextRequest = 1;

  constructor(private readonly window: number) {}

  states(id: number): ReadonlySet<SockState> {
    return this.socks.get(id)?.states ?? FREE;
  }

  socketCount(): { min: number; max: number } {
    let min = 0;
    let max = 0;
    for (const s of this.socks.values()) {
      if (!s.states.has('free')) min++;
      if ([...s.states].some((x) => x !== 'free')) max++;
    }
    return { min, max };
  }

  flow(id: number): StreamFlow | undefined {
    return this.socks.get(id)?.flow;
  }

  resolvesInFlight(): number {
    let n = 0;
    for (const r of this.requests.values()) if (r.kind === 'resolve') n++;
    return n;
  }

  newFlow(peer: 'echo' | 'sink'): Flow {
    const flow: Flow = {
      sent: 0, creditBack: 0, received: 0, credited: 0, log: new ByteLog(), peer, maybe: [], stash: [], checked: 0,
      // An upper bound while some DATA is unresolved.
      peerWillSend: () => (peer === 'echo' ? flow.log.length + flow.maybe.reduce((n, b) => n + b.length, 0) : 0),
    };
    return flow;
  }

  /** Ids that are certainly open with one of `states`. */
  live(pred: (s: Sock) => boolean): Sock[] {
    return [...this.socks.values()].filter((s) => s.states.size === 1 && pred(s));
  }

  get windowBytes(): number {
    return this.window;
  }
}

// --- a bad client -----------------------------------------------------------------

export interface Coverage {
  closes: Map<number, number>;
  errors: Map<number, number>;
  replies: Map<string, number>;
  frames: number;
  bursts: number;
  connections: number;
}

export function newCoverage(): Coverage {
  return { closes: new Map(), errors: new Map(), replies: new Map(), frames: 0, bursts: 0, connections: 0 };
}

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

export interface FuzzWorld {
  relayUrl: string;
  env: OracleEnv;
  targets: Targets;
  /** Ids other clients hold or have held, to be named by those that do not (EBADF for them). */
  foreign: Set<number>;
  coverage: Coverage;
}

export interface SendItem {
  bytes: Uint8Array | string;
  label: string;
}

/** Fails the current property with a readable line (collected; thrown at the next check). */
class Violations {
  readonly list: string[] = [];
  add(why: string): void {
    if (this.list.length < 20) this.list.push(why);
  }
}

export class BadClient {
  readonly model: Model;
  readonly violations = new Violations();
  closed: { code: number; reason: string } | null = null;
  private readonly ws: WebSocket;
  private collecting: ObservedError[] | null = null;
  private pings = 0;
  readonly history: string[] = [];
  /** Model updates that need the burst's answers (see Flow.maybe). */
  private fixups: ((errors: ObservedError[]) => void)[] = [];
  private hello = false;
  private wake: (() => void) | null = null;

  private constructor(private readonly world: FuzzWorld, ws: WebSocket) {
    this.ws = ws;
    this.model = new Model(world.env.limits.windowBytes);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.poke();
    });
    ws.on('error', () => {});
  }

  static async open(world: FuzzWorld): Promise<BadClient> {
    const ws = new WebSocket(world.relayUrl, RELAY_SUBPROTOCOL);
    const client = new BadClient(world, ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the relay refused a bad client: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    await client.until(() => client.hello || client.closed !== null, 'HELLO');
    if (!client.hello) throw new Error(`no HELLO: closed ${JSON.stringify(client.closed)}`);
    world.coverage.connections++;
    return client;
  }

  dispose(): void {
    this.ws.terminate();
  }

  /** Throws the first violation seen, if any. */
  check(): void {
    if (this.violations.list.length) {
      throw new Error(`relay broke the spec:\n  ${this.violations.list.join('\n  ')}\n this client's last frames and answers:\n    ${this.history.slice(-40).join('\n    ')}`);
    }
  }

  // --- sending --------------------------------------------------------------------

  /**
   * May `bytes` be sent? Not when it aims at a target the test must not
   * touch, or would open an id whose state the client does not know for sure
   * (or the ping's id), or reuses a request id still in flight.
   */
  sendable(bytes: Uint8Array | string): boolean {
    const verdict = judge(bytes, this.model, this.world.env);
    if (verdict === 'unsafe') return false;
    if ('fatal' in verdict.parsed) return true;
    const f = verdict.parsed.frame;
    if ('request' in f && this.model.requests.has(f.request)) return false;
    if (f.op === 'connect' || f.op === 'listen' || f.op === 'udp-bind') {
      if (f.socket === PING_ID || this.model.states(f.socket).size !== 1) return false;
    }
    // While an open is unanswered, END and CREDIT would leave the client
    // unsure what the relay did with them (both are silent either way).
    if ((f.op === 'end' || f.op === 'credit') && this.model.states(f.socket).has('pending')) return false;
    return true;
  }

  /**
   * Sends the frames, then the ping, and checks every ERROR and the close
   * code against what the oracle allowed for each frame. Resolves with
   * whether the connection is still open.
   */
  async burst(items: (() => SendItem | null)[]): Promise<boolean> {
    if (this.closed) return false;
    const frames: SentFrame[] = [];
    this.collecting = [];
    this.pings = 0;
    let pingsDue = 0;
    let doomed = false;
    for (const make of items) {
      // Realized now: ids, credit amounts and the oracle see the frames before it.
      const item = make();
      if (!item) continue;
      const verdict = judge(item.bytes, this.model, this.world.env);
      if (verdict === 'unsafe') throw new Error(`unsafe frame reached burst(): ${item.label}`);
      const f = 'frame' in verdict.parsed ? verdict.parsed.frame : null;
      frames.push({ socket: f && 'socket' in f ? f.socket : 0, outcomes: verdict.outcomes, label: item.label });
      this.transmit(item.bytes);
      this.history.push(item.label);
      this.world.coverage.frames++;
      if (verdict.outcomes.every((o) => o.t === 'close')) {
        doomed = true;
        break;
      }
      if (f?.op === 'close' && f.socket === PING_ID) pingsDue++;
      if (f) this.apply(f, verdict.outcomes, item.label);
    }
    if (frames.length === 0) return true;
    if (!doomed) {
      frames.push({ socket: PING_ID, outcomes: [{ t: 'error', op: SPEC_OP.CLOSE, errno: E.BADF }], label: 'ping' });
      this.transmit(encodeFrame(SPEC_OP.CLOSE, PING_ID, 0));
      pingsDue++;
    }
    await this.until(() => (!doomed && this.pings >= pingsDue) || this.closed !== null, `the answers to ${frames.map((f) => f.label).join(', ')}`);
    const errors = this.collecting;
    this.collecting = null;
    // Set by the 'close' handler meanwhile (TypeScript keeps the narrowing from the top).
    const closed = this.closed as BadClient['closed'];
    this.world.coverage.bursts++;
    for (const e of errors) if (e.socket !== PING_ID) bump(this.world.coverage.errors, e.errno);
    if (closed) bump(this.world.coverage.closes, closed.code);
    const why = matchBurst(frames, errors, closed?.code ?? null);
    if (why) this.violations.add(`${why}${closed ? ` (close reason: ${closed.reason})` : ''}`);
    for (const fix of this.fixups.splice(0)) fix(errors);
    this.history.push(`  answered: ${errors.map((e) => `ERROR s${e.socket} op 0x${e.op.toString(16)} errno ${e.errno}`).join(', ') || 'nothing'}${closed ? `; closed ${closed.code}` : ''}`);
    return closed === null;
  }

  /** Waits for every request in flight to be answered. */
  async settle(): Promise<void> {
    await this.until(() => this.model.requests.size === 0 || this.closed !== null, `replies to ${[...this.model.requests.values()].map((r) => r.label).join(', ')}`);
  }

  /** Waits (bounded, never fails) for echoed bytes to come back as far as the credit window lets them. */
  async quiesce(ms: number): Promise<void> {
    const w = this.model.windowBytes;
    const done = () => [...this.model.socks.values()].every((s) => !s.flow || s.states.has('free') || s.flow.received >= Math.min(s.flow.peerWillSend(), s.flow.credited + w));
    const deadline = Date.now() + ms;
    while (!done() && !this.closed && Date.now() < deadline) await sleep(5);
  }

  private transmit(bytes: Uint8Array | string): void {
    // ws encodes strings as UTF-8: a text message that is not UTF-8 goes as bytes.
    if (bytes === INVALID_TEXT) this.ws.send(Uint8Array.of(0x41, 0xff, 0xfe), { binary: false });
    else if (typeof bytes === 'string') this.ws.send(bytes);
    else this.ws.send(bytes, { binary: true });
  }

  /** What the relay does with a frame it does not reject, as far as the client can tell. */
  private apply(f: ClientFrame, outcomes: Outcome[], label: string): void {
    const m = this.model;
    switch (f.op) {
      case 'connect':
      case 'listen':
      case 'udp-bind':
      case 'resolve': {
        const reply = outcomes.find((o): o is Extract<Outcome, { t: 'reply' }> => o.t === 'reply')!;
        const kind: SockKind | 'resolve' = f.op === 'connect' ? 'stream' : f.op === 'listen' ? 'listener' : f.op === 'udp-bind' ? 'udp' : 'resolve';
        const req: Req = { socket: f.op === 'resolve' ? 0 : f.socket, kind, allowed: new Set(reply.results), label };
        if (kind !== 'resolve' && f.op !== 'resolve' && (reply.results.has('ok') || reply.results.has('any')) && m.states(f.socket).has('free')) {
          // The REPLY may come at any moment: until it is here, the id may be
          // still opening, already open, or (if it can fail) free again.
          const states = new Set<SockState>(['pending', kind]);
          if ([...reply.results].some((r) => r !== 'ok')) states.add('free');
          const sock: Sock = { id: f.socket, states, kind, request: f.request, previous: m.socks.get(f.socket), replied: false };
          if (kind === 'stream' && f.op === 'connect') sock.flow = m.newFlow(f.to.port === this.world.targets.stallPort ? 'sink' : 'echo');
          if (kind === 'udp') sock.udpSent = new Map();
          m.socks.set(f.socket, sock);
          req.sock = sock;
          this.own(f.socket);
        }
        m.requests.set(f.request, req);
        return;
      }
      case 'data': {
        const s = m.socks.get(f.socket);
        if (s?.flow && s.states.has('stream')) {
          const flow = s.flow;
          flow.sent += f.payload.length;
          // A sink never answers: nothing to compare, nothing to keep.
          if (flow.peer !== 'echo') return;
          if (!s.states.has('pending')) {
            flow.log.append(f.payload);
            return;
          }
          if (flow.maybe.length === 0) {
            this.fixups.push((errors) => {
              const refused = errors.filter((e) => e.socket === f.socket && e.op === SPEC_OP.DATA && e.errno === E.NOTCONN).length;
              const taken = flow.maybe.slice(refused);
              const log = new ByteLog();
              for (const b of taken) log.append(b);
              const certain = flow.log;
              log.appendLog(certain);
              flow.log = log;
              flow.maybe = [];
              for (const b of flow.stash.splice(0)) this.verify(f.socket, flow, b);
            });
          }
          flow.maybe.push(f.payload.slice());
        }
        return;
      }
      case 'end': {
        const s = m.socks.get(f.socket);
        // Once the peer ends too the relay frees the id (END, CLOSE): when, the client learns later.
        if (s && s.states.has('stream')) s.states = new Set(['ended', 'free']);
        return;
      }
      case 'reset':
      case 'close': {
        const s = m.socks.get(f.socket);
        if (!s) return;
        // Spec 6: RESET or CLOSE cancels a socket still being opened (its
        // request is answered ECANCELED) — unless the relay finished opening
        // it first, and RESET then finds a listener or UDP socket and leaves
        // it open (EINVAL). Until the reply tells which, both are allowed.
        if (s.states.has('pending')) m.requests.get(s.request)?.allowed.add(E.CANCELED);
        if (f.op === 'reset' && (s.states.has('udp') || s.states.has('listener'))) return;
        s.states = new Set(['free']);
        return;
      }
      case 'credit': {
        const s = m.socks.get(f.socket);
        if (s?.flow && (s.states.has('stream') || s.states.has('ended'))) s.flow.credited += f.bytes;
        return;
      }
      case 'datagram': {
        const s = m.socks.get(f.socket);
        if (s?.udpSent && s.states.has('udp')) {
          const k = Buffer.from(f.payload).toString('base64');
          s.udpSent.set(k, (s.udpSent.get(k) ?? 0) + 1);
        }
        return;
      }
      default:
        return;
    }
  }

  // --- receiving ------------------------------------------------------------------

  private onMessage(data: Buffer, isBinary: boolean): void {
    let m: RelayMessage;
    try {
      if (!isBinary) throw new Error('a text message');
      m = decodeRelayFrame(decodeFrame(new Uint8Array(data), 1 << 30));
    } catch (err) {
      this.violations.add(`malformed frame from the relay: ${(err as Error).message}`);
      return;
    }
    if (m.kind !== 'data' && m.kind !== 'error' && m.kind !== 'hello') {
      this.history.push(`  relay: ${m.kind.toUpperCase()} s${m.socket}${m.kind === 'reply' ? ` r${m.request} errno ${m.errno}` : m.kind === 'reset' ? ` errno ${m.errno}` : ''}`);
    }
    try {
      this.handle(m);
    } finally {
      this.poke();
    }
  }

  private handle(m: RelayMessage): void {
    const model = this.model;
    const limits = this.world.env.limits;
    switch (m.kind) {
      case 'hello': {
        if (this.hello) return this.violations.add('a second HELLO');
        this.hello = true;
        const h = m.hello;
        if (h.maxFrameBytes !== limits.maxFrameBytes || h.windowBytes !== limits.windowBytes || h.maxSockets !== limits.maxSockets || h.listenPorts.lo !== limits.listenPorts.lo || h.listenPorts.hi !== limits.listenPorts.hi) {
          this.violations.add(`HELLO ${JSON.stringify(h)} does not announce the relay's limits`);
        }
        return;
      }
      case 'reply': {
        const req = model.requests.get(m.request);
        if (!req) return this.violations.add(`REPLY to request ${m.request}, which is not in flight`);
        model.requests.delete(m.request);
        if (m.socket !== req.socket) this.violations.add(`REPLY to ${req.label} names socket ${m.socket}`);
        const result: ReplyResult = m.errno === 0 ? 'ok' : m.errno;
        bump(this.world.coverage.replies, m.errno === 0 ? `${req.kind}:ok` : `errno ${m.errno}`);
        if (!req.allowed.has(result) && !(m.errno !== 0 && req.allowed.has('any'))) {
          this.violations.add(`REPLY to ${req.label} is ${m.errno === 0 ? 'ok' : `errno ${m.errno} (${m.message})`}; the spec allows ${[...req.allowed].join('|')}`);
        }
        const sock = req.sock;
        if (sock) sock.replied = true;
        if (sock && sock.states.has('pending') && model.socks.get(sock.id) === sock) {
          if (m.errno === 0) {
            sock.states = new Set([sock.kind]);
            delete sock.previous;
            if (sock.kind !== 'stream') sock.localPort = decodeAddrs(m.body, 1)[0]!.port;
          } else {
            sock.states = new Set(['free']);
          }
        }
        return;
      }
      case 'accept': {
        const listener = model.socks.get(m.socket);
        if (listener?.kind !== 'listener') return this.violations.add(`ACCEPT on socket ${m.socket}, not a listener of this page`);
        if (m.id < 0x8000_0000) return this.violations.add(`ACCEPT with id ${m.id} outside the relay's range`);
        if ([...model.states(m.id)].some((s) => s !== 'free')) return this.violations.add(`ACCEPT with id ${m.id}, which is in use`);
        const sock: Sock = { id: m.id, states: new Set(['stream']), kind: 'stream', request: 0, flow: model.newFlow('echo'), acceptedFrom: m.socket, replied: true };
        model.socks.set(m.id, sock);
        this.own(m.id);
        return;
      }
      case 'data': {
        const s = this.route(m.socket);
        if (!s?.flow) return this.violations.add(`DATA for socket ${m.socket}, which is no stream of this page`);
        const f = s.flow;
        if (f.peer === 'sink') return this.violations.add(`DATA on socket ${m.socket}, whose peer never sends`);
        f.received += m.data.length;
        if (f.received - f.credited > limits.windowBytes) this.violations.add(`the relay sent ${f.received - f.credited} B on socket ${m.socket} without credit (window ${limits.windowBytes})`);
        if (f.maybe.length) f.stash.push(m.data.slice());
        else this.verify(m.socket, f, m.data);
        return;
      }
      case 'credit': {
        const s = this.route(m.socket);
        if (!s?.flow) return this.violations.add(`CREDIT for socket ${m.socket}, which is no stream of this page`);
        s.flow.creditBack += m.bytes;
        if (s.flow.creditBack > s.flow.sent) this.violations.add(`the relay credited ${s.flow.creditBack} B on socket ${m.socket}, more than the ${s.flow.sent} B sent`);
        return;
      }
      case 'end':
      case 'close':
      case 'reset': {
        const s = this.route(m.socket);
        if (!s?.flow) return this.violations.add(`${m.kind.toUpperCase()} for socket ${m.socket}, which is no stream of this page`);
        if (m.kind === 'end' && s.flow.peer === 'echo' && !s.states.has('ended') && !s.states.has('free')) {
          this.violations.add(`END on socket ${m.socket} though its echo peer had not been ended`);
        }
        if (m.kind !== 'end' && s === model.socks.get(m.socket)) {
          s.states = new Set(['free']);
        }
        return;
      }
      case 'datagram': {
        const s = this.route(m.socket);
        if (!s?.udpSent) return this.violations.add(`DATAGRAM for socket ${m.socket}, which is no UDP socket of this page`);
        if (m.addr.ip !== '127.0.0.1' || m.addr.port !== this.world.targets.udpPort) return this.violations.add(`DATAGRAM on socket ${m.socket} from ${m.addr.ip}:${m.addr.port}, which it never sent to`);
        const k = Buffer.from(m.data).toString('base64');
        const n = s.udpSent.get(k) ?? 0;
        if (n === 0) return this.violations.add(`DATAGRAM on socket ${m.socket} of ${m.data.length} B that this page never sent`);
        if (n === 1) s.udpSent.delete(k);
        else s.udpSent.set(k, n - 1);
        return;
      }
      case 'error': {
        if (!this.collecting) return this.violations.add(`ERROR socket ${m.socket} op ${m.op} errno ${m.errno} with no frame in flight`);
        if (m.socket === PING_ID && m.op === SPEC_OP.CLOSE && m.errno === E.BADF) this.pings++;
        this.collecting.push({ socket: m.socket, op: m.op, errno: m.errno });
        return;
      }
    }
  }

  /** Echoed bytes must be exactly the next bytes this page sent on the stream. */
  private verify(id: number, f: Flow, data: Uint8Array): void {
    if (!f.log.matches(f.checked, data)) this.violations.add(`DATA on socket ${id} at offset ${f.checked} (${data.length} B) is not what this page sent there`);
    f.checked += data.length;
  }

  /**
   * The life of `id` a frame from the relay is about: the previous one while
   * a new one awaits its REPLY (the relay sends nothing about a socket
   * before its REPLY, so such frames belong to the old one).
   */
  private route(id: number): Sock | undefined {
    const s = this.model.socks.get(id);
    if (s && !s.replied) {
      if (!s.previous) this.violations.add(`a frame about socket ${id} before the REPLY that opens it`);
      return s.previous;
    }
    return s;
  }

  /** Tells the other clients this id is in use here: they name it, and must get EBADF. */
  private own(id: number): void {
    this.world.foreign.add(id);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async until(cond: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + ANSWER_MS;
    while (!cond()) {
      if (Date.now() > deadline) {
        this.violations.add(`no answer within ${ANSWER_MS} ms: ${what}`);
        this.check();
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}


// --- a bad client's own sockets ------------------------------------------------------

/**
 * Opens what the recipes name, through the same checked bursts: a stream to
 * the echo server, a UDP socket, a listener with one accepted stream (its
 * peer echoes, from this process), and optionally a stream to the peer that
 * never reads.
 */
export async function setUp(client: BadClient, world: FuzzWorld, opts: { stall: boolean; accept: boolean }): Promise<void> {
  const m = client.model;
  const t = world.targets;
  const lo = (port: number): SockAddr => ({ family: 4, ip: '127.0.0.1', port });
  const open = (op: number, what: string, payload: () => Uint8Array[]) => (): SendItem => {
    const id = m.nextId++;
    return { bytes: encodeFrame(op, id, m.nextRequest++, ...payload()), label: `setup ${what} s${id}` };
  };
  const items = [
    open(SPEC_OP.CONNECT, 'CONNECT echo', () => [encodeAddr(lo(t.echoPort)), encodeAddr(null)]),
    open(SPEC_OP.UDP_BIND, 'UDP_BIND', () => [encodeAddr(lo(0)), new Uint8Array(4)]),
  ];
  if (opts.accept) items.push(open(SPEC_OP.LISTEN, 'LISTEN', () => [encodeAddr(lo(0)), new Uint8Array(8)]));
  if (opts.stall) items.push(open(SPEC_OP.CONNECT, 'CONNECT stall', () => [encodeAddr(lo(t.stallPort)), encodeAddr(null)]));
  await client.burst(items);
  await client.settle();
  client.check();
  const opened = [...m.socks.values()];
  if (opened.length !== items.length || opened.some((s) => s.states.size !== 1 || s.states.has('free'))) {
    throw new Error(`setup failed: ${opened.map((s) => `s${s.id} ${[...s.states].join('|')}`).join(', ')}`);
  }
  if (opts.accept) {
    const listener = opened.find((s) => s.kind === 'listener')!;
    t.connectEcho(listener.localPort!);
    await client.until(() => [...m.socks.values()].some((s) => s.acceptedFrom !== undefined), 'ACCEPT on the setup listener');
  }
}

// --- recipes: what fast-check generates --------------------------------------------------

export type IdRef = 'echo' | 'accepted' | 'stall' | 'udp' | 'listener' | 'latest' | 'freed' | 'foreign' | 'fresh' | 'ping' | 'zero' | 'relayRange' | { raw: number };
export type AddrRef = 'echo' | 'stall' | 'udpEcho' | 'port0' | 'denied4' | 'denied6' | 'deniedMapped' | 'mappedEcho' | 'any4' | 'any6' | 'lowPort' | 'anyLowPort' | 'loop0';

export type Template =
  | { t: 'connect'; id: IdRef; to: AddrRef; from: AddrRef | null }
  | { t: 'listen'; id: IdRef; at: AddrRef; backlog: number; flags: number }
  | { t: 'bind'; id: IdRef; at: AddrRef; flags: number }
  | { t: 'resolve'; family: number; name: 'localhost' | 'badutf8' | 'empty' | 'toolong' }
  | { t: 'data'; id: IdRef; size: number; seed: number }
  | { t: 'end' | 'reset' | 'close'; id: IdRef }
  | { t: 'datagram'; id: IdRef; to: AddrRef; size: number; seed: number }
  | { t: 'setopt'; id: IdRef; option: number; value: number }
  | { t: 'credit'; id: IdRef; amount: 'owed' | 'half' | 'beyond' | 'window' | number }
  | { t: 'keepalive' }
  | { t: 'raw'; bytes: Uint8Array }
  | { t: 'header'; op: number; socket: number; request: number; payload: Uint8Array; lengthDelta: number }
  | { t: 'text'; text: string; invalid: boolean }
  | { t: 'oversize'; extra: number }
  | { t: 'maxsize'; id: IdRef };

export type Mutation =
  | { m: 'flip'; pos: number; bit: number }
  | { m: 'truncate'; keep: number }
  | { m: 'extend'; bytes: Uint8Array }
  | { m: 'byte'; pos: number; value: number }
  | { m: 'field'; at: 4 | 8 | 12; value: number };

export interface Recipe {
  tpl: Template;
  mutations: Mutation[];
  pick: number;
}

const idRef: fc.Arbitrary<IdRef> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<IdRef>('echo', 'udp', 'listener', 'accepted', 'latest') },
  { weight: 3, arbitrary: fc.constantFrom<IdRef>('stall', 'freed', 'foreign', 'fresh') },
  { weight: 1, arbitrary: fc.constantFrom<IdRef>('ping', 'zero', 'relayRange') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff_ffff }).map((raw): IdRef => ({ raw })) },
);
const openId: fc.Arbitrary<IdRef> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<IdRef>('fresh') },
  { weight: 2, arbitrary: fc.constantFrom<IdRef>('echo', 'udp', 'freed', 'foreign', 'zero', 'relayRange', 'ping') },
);
const remote: fc.Arbitrary<AddrRef> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<AddrRef>('echo') },
  { weight: 4, arbitrary: fc.constantFrom<AddrRef>('port0', 'denied4', 'denied6', 'deniedMapped', 'stall', 'mappedEcho', 'any4', 'lowPort') },
);
const local: fc.Arbitrary<AddrRef> = fc.constantFrom<AddrRef>('loop0', 'loop0', 'any4', 'any6', 'denied4', 'denied6', 'deniedMapped', 'lowPort', 'anyLowPort');
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const dataSize = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 2048 }) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 65536 }) }, { weight: 1, arbitrary: fc.constant(0) });

export const templates = {
  connect: fc.record({ t: fc.constant('connect' as const), id: openId, to: remote, from: fc.option(local, { freq: 2 }) }),
  listen: fc.record({ t: fc.constant('listen' as const), id: openId, at: local, backlog: fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constant(65535), fc.constant(65536)), flags: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }) }),
  bind: fc.record({ t: fc.constant('bind' as const), id: openId, at: local, flags: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }) }),
  resolve: fc.record({ t: fc.constant('resolve' as const), family: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 4, 6) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }), name: fc.constantFrom('localhost' as const, 'localhost' as const, 'badutf8' as const, 'empty' as const, 'toolong' as const) }),
  data: fc.record({ t: fc.constant('data' as const), id: idRef, size: dataSize, seed: u32 }),
  end: fc.record({ t: fc.constantFrom('end' as const, 'reset' as const, 'close' as const), id: idRef }),
  datagram: fc.record({ t: fc.constant('datagram' as const), id: idRef, to: fc.constantFrom<AddrRef>('udpEcho', 'udpEcho', 'udpEcho', 'port0', 'denied4', 'denied6', 'deniedMapped'), size: fc.integer({ min: 0, max: 1400 }), seed: u32 }),
  setopt: fc.record({ t: fc.constant('setopt' as const), id: idRef, option: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }), value: fc.oneof(fc.constantFrom(0, 1, 2, 64, 255, 256), u32) }),
  credit: fc.record({ t: fc.constant('credit' as const), id: idRef, amount: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<'owed' | 'half' | 'beyond' | 'window'>('owed', 'owed', 'half', 'beyond', 'window') }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff_ffff }) }) }),
  keepalive: fc.constant({ t: 'keepalive' as const }),
  raw: fc.record({ t: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  header: fc.record({ t: fc.constant('header' as const), op: fc.integer({ min: 0, max: 255 }), socket: fc.oneof(fc.constantFrom(0, 1, 2, 3), u32), request: fc.oneof(fc.constantFrom(0, 1, 7), u32), payload: fc.uint8Array({ maxLength: 48 }), lengthDelta: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -20, max: 20 }) }) }),
  text: fc.record({ t: fc.constant('text' as const), text: fc.string({ maxLength: 40 }), invalid: fc.boolean() }),
  oversize: fc.record({ t: fc.constant('oversize' as const), extra: fc.integer({ min: 1, max: 4096 }) }),
  maxsize: fc.record({ t: fc.constant('maxsize' as const), id: fc.constantFrom<IdRef>('echo', 'accepted', 'udp') }),
};

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ m: fc.constant('flip' as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('byte' as const), pos: fc.integer({ min: 0, max: 63 }), value: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('field' as const), at: fc.constantFrom<4 | 8 | 12>(4, 8, 12), value: fc.oneof(fc.constantFrom(0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff), u32) }) },
);

export function recipe(tpl: fc.Arbitrary<Template>, mutationWeight: number): fc.Arbitrary<Recipe> {
  return fc.record({
    tpl,
    mutations: fc.oneof({ weight: 10 - mutationWeight, arbitrary: fc.constant<Mutation[]>([]) }, { weight: mutationWeight, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    pick: fc.nat(),
  });
}

/** Deterministic filler bytes for a DATA or DATAGRAM payload. */
function filler(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

/** Turns a recipe into bytes for this client, now; null when there is nothing sensible or safe to send. */
export function realize(r: Recipe, client: BadClient, world: FuzzWorld): SendItem | null {
  const m = client.model;
  const t = world.targets;
  const pickFrom = <T>(xs: T[]): T | undefined => (xs.length ? xs[r.pick % xs.length] : undefined);
  const idOf = (ref: IdRef): number => {
    if (typeof ref === 'object') return ref.raw;
    switch (ref) {
      // Half-closed streams too (after the page's END): DATA there is EPIPE, or EBADF once the relay has closed it.
      case 'echo': return pickFrom([...m.socks.values()].filter((s) => s.flow?.peer === 'echo' && s.acceptedFrom === undefined && (s.states.has('stream') || s.states.has('ended')) && !s.states.has('pending')))?.id ?? m.nextId;
      case 'accepted': return pickFrom(m.live((s) => s.acceptedFrom !== undefined && s.states.has('stream')))?.id ?? 0x8000_0000 + (r.pick % 7);
      case 'stall': return pickFrom(m.live((s) => s.flow?.peer === 'sink'))?.id ?? m.nextId;
      case 'udp': return pickFrom(m.live((s) => s.states.has('udp')))?.id ?? m.nextId;
      case 'listener': return pickFrom(m.live((s) => s.states.has('listener')))?.id ?? m.nextId;
      case 'latest': return Math.max(1, m.nextId - 1);
      case 'freed': return pickFrom(m.live((s) => s.states.has('free')))?.id ?? 0x4000_0000 + (r.pick % 1000);
      case 'foreign': return pickFrom([...world.foreign].filter((id) => !m.socks.has(id) && id !== PING_ID)) ?? 1 + (r.pick % 8);
      case 'fresh': return m.nextId++;
      case 'ping': return PING_ID;
      case 'zero': return 0;
      case 'relayRange': return 0x8000_0000 + (r.pick % 1024);
    }
  };
  const addr = (ref: AddrRef): SockAddr => {
    const a = (ip: string, port: number): SockAddr => ({ family: ip.includes(':') ? 6 : 4, ip, port });
    switch (ref) {
      case 'echo': return a('127.0.0.1', t.echoPort);
      case 'stall': return a('127.0.0.1', t.stallPort);
      case 'udpEcho': return a('127.0.0.1', t.udpPort);
      case 'port0': return a('127.0.0.1', 0);
      case 'denied4': return a('127.0.0.2', t.echoPort);
      case 'denied6': return a('::1', t.echoPort);
      case 'deniedMapped': return a('::ffff:127.0.0.2', t.echoPort);
      case 'mappedEcho': return a('::ffff:127.0.0.1', t.echoPort);
      case 'any4': return a('0.0.0.0', 0);
      case 'any6': return a('::', 0);
      case 'lowPort': return a('127.0.0.1', 80);
      case 'anyLowPort': return a('0.0.0.0', 80);
      case 'loop0': return a('127.0.0.1', 0);
    }
  };
  const OP = SPEC_OP;
  const tpl = r.tpl;
  let bytes: Uint8Array | string;
  let label: string;
  const req = () => m.nextRequest++;
  switch (tpl.t) {
    case 'connect': {
      const id = idOf(tpl.id);
      bytes = encodeFrame(OP.CONNECT, id, req(), encodeAddr(addr(tpl.to)), encodeAddr(tpl.from === null ? null : addr(tpl.from)));
      label = `CONNECT s${id} → ${tpl.to}${tpl.from ? ` from ${tpl.from}` : ''}`;
      break;
    }
    case 'listen': {
      const id = idOf(tpl.id);
      const tail = new Uint8Array(8);
      new DataView(tail.buffer).setUint32(0, tpl.backlog, true);
      tail[4] = tpl.flags;
      bytes = encodeFrame(OP.LISTEN, id, req(), encodeAddr(addr(tpl.at)), tail);
      label = `LISTEN s${id} at ${tpl.at} backlog ${tpl.backlog} flags ${tpl.flags}`;
      break;
    }
    case 'bind': {
      const id = idOf(tpl.id);
      bytes = encodeFrame(OP.UDP_BIND, id, req(), encodeAddr(addr(tpl.at)), Uint8Array.of(tpl.flags, 0, 0, 0));
      label = `UDP_BIND s${id} at ${tpl.at} flags ${tpl.flags}`;
      break;
    }
    case 'resolve': {
      const name = tpl.name === 'localhost' ? new TextEncoder().encode('localhost')
        : tpl.name === 'badutf8' ? Uint8Array.of(0x6c, 0xff, 0xfe, 0x6f)
        : tpl.name === 'empty' ? new Uint8Array(0) : new Uint8Array(254).fill(0x61);
      bytes = encodeFrame(OP.RESOLVE, 0, req(), Uint8Array.of(tpl.family, 0, 0, 0), name);
      label = `RESOLVE ${tpl.name} family ${tpl.family}`;
      break;
    }
    case 'data': {
      const id = idOf(tpl.id);
      bytes = encodeFrame(OP.DATA, id, 0, filler(tpl.size, tpl.seed));
      label = `DATA s${id} ${tpl.size} B`;
      break;
    }
    case 'maxsize': {
      const id = idOf(tpl.id);
      bytes = encodeFrame(OP.DATA, id, 0, filler(world.env.limits.maxFrameBytes - 16, id));
      label = `DATA s${id} of the largest size`;
      break;
    }
    case 'end':
    case 'reset':
    case 'close': {
      const id = idOf(tpl.id);
      bytes = encodeFrame(tpl.t === 'end' ? OP.END : tpl.t === 'reset' ? OP.RESET : OP.CLOSE, id, 0);
      label = `${tpl.t.toUpperCase()} s${id}`;
      break;
    }
    case 'datagram': {
      const id = idOf(tpl.id);
      bytes = encodeFrame(OP.DATAGRAM, id, 0, encodeAddr(addr(tpl.to)), filler(tpl.size, tpl.seed));
      label = `DATAGRAM s${id} → ${tpl.to} ${tpl.size} B`;
      break;
    }
    case 'setopt': {
      const id = idOf(tpl.id);
      const p = new Uint8Array(8);
      p[0] = tpl.option;
      p.set(u32le(tpl.value), 4);
      bytes = encodeFrame(OP.SETOPT, id, 0, p);
      label = `SETOPT s${id} option ${tpl.option} = ${tpl.value}`;
      break;
    }
    case 'credit': {
      const id = idOf(tpl.id);
      const flow = m.flow(id);
      const owed = flow ? flow.received - flow.credited : 0;
      const w = world.env.limits.windowBytes;
      const n = typeof tpl.amount === 'number' ? tpl.amount
        : tpl.amount === 'owed' ? Math.max(1, owed)
        : tpl.amount === 'half' ? Math.max(1, owed >> 1)
        : tpl.amount === 'beyond' ? owed + 1 : w + 1;
      bytes = encodeFrame(OP.CREDIT, id, 0, u32le(n));
      label = `CREDIT s${id} ${n} B (${typeof tpl.amount === 'number' ? 'random' : tpl.amount}, owed ${owed})`;
      break;
    }
    case 'keepalive':
      bytes = encodeFrame(OP.KEEPALIVE, 0, 0);
      label = 'KEEPALIVE';
      break;
    case 'raw':
      bytes = tpl.bytes;
      label = `raw ${Buffer.from(tpl.bytes).toString('hex').slice(0, 48)}`;
      break;
    case 'header': {
      const f = encodeFrame(tpl.op, tpl.socket, tpl.request, tpl.payload);
      new DataView(f.buffer).setUint32(12, (tpl.payload.length + tpl.lengthDelta) >>> 0, true);
      bytes = f;
      label = `header op 0x${tpl.op.toString(16)} s${tpl.socket} r${tpl.request} ${tpl.payload.length} B Δlen ${tpl.lengthDelta}`;
      break;
    }
    case 'text':
      bytes = tpl.invalid ? INVALID_TEXT : tpl.text;
      label = tpl.invalid ? 'text (invalid UTF-8)' : `text ${JSON.stringify(tpl.text.slice(0, 20))}`;
      break;
    case 'oversize':
      bytes = encodeFrame(OP.DATA, 1, 0, new Uint8Array(world.env.limits.maxFrameBytes - 16 + tpl.extra));
      label = `DATA of maxFrameBytes + ${tpl.extra}`;
      break;
  }
  if (typeof bytes !== 'string' && r.mutations.length) {
    let b: Uint8Array = bytes.slice();
    for (const mu of r.mutations) {
      switch (mu.m) {
        case 'flip': if (b.length) b[mu.pos % b.length]! ^= 1 << mu.bit; break;
        case 'truncate': b = b.subarray(0, b.length ? mu.keep % b.length : 0).slice(); break;
        case 'extend': { const e = new Uint8Array(b.length + mu.bytes.length); e.set(b); e.set(mu.bytes, b.length); b = e; break; }
        case 'byte': if (mu.pos < b.length) b[mu.pos] = mu.value; break;
        case 'field': if (b.length >= mu.at + 4) new DataView(b.buffer, b.byteOffset).setUint32(mu.at, mu.value >>> 0, true); break;
      }
    }
    bytes = b;
    label += ` mutated ${r.mutations.map((x) => x.m).join('+')}`;
  }
  return client.sendable(bytes) ? { bytes, label } : null;
}


// --- good clients ------------------------------------------------------------------

export interface GoodStats {
  tcpTransfers: number;
  tcpBytes: number;
  acceptTransfers: number;
  datagrams: number;
  failures: string[];
}

function openGood(url: string): Promise<RelayBackend> {
  return RelayBackend.open(url, (u, p) => new WebSocket(u, p) as unknown as RelayWebSocket);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** TCP echo transfers through the relay until `deadline`, each verified byte for byte. */
export async function goodTcp(url: string, echoPort: number, deadline: number, foreign: Set<number>, stats: GoodStats, atLeast = 0): Promise<void> {
  const backend = await openGood(url);
  try {
    let n = 0;
    while (Date.now() < deadline || n < atLeast) {
      const size = [4096, 65536, 1 << 20, 3 << 20][n++ % 4]! + (n % 977);
      const stream = await backend.connect({ family: 4, ip: '127.0.0.1', port: echoPort }, null);
      foreign.add((stream as RelayStream).id);
      const c = collect(stream);
      const data = randomBytes(size);
      await writeAll(stream, c, data);
      await c.until((x) => x.bytes().length >= size || x.errno !== null, 30_000);
      stream.end();
      await c.until((x) => x.ended || x.errno !== null, 30_000);
      const got = c.bytes();
      if (c.errno !== null || !got.equals(data)) {
        stats.failures.push(`TCP transfer of ${size} B: errno ${c.errno}, sent ${sha(data)}, got ${got.length} B ${sha(got)}`);
        return;
      }
      stats.tcpTransfers++;
      stats.tcpBytes += size;
    }
    if (backend.goneReason) stats.failures.push(`a good client lost the relay: ${backend.goneReason.description}`);
  } catch (err) {
    stats.failures.push(`good TCP client: ${(err as Error).message}`);
  } finally {
    backend.close();
  }
}

/** A good page's listener: connections from this process send data, the page echoes it. */
export async function goodAccept(url: string, deadline: number, stats: GoodStats): Promise<void> {
  const backend = await openGood(url);
  try {
    const listener = await backend.listen({ family: 4, ip: '127.0.0.1', port: 0 }, { backlog: 16, ipv6Only: false, reusePort: false }, (s: Stream) => {
      const c = collect(s);
      // Echo everything back, then end when the peer ends.
      let sent = 0;
      const pump = () => {
        const all = c.bytes();
        if (all.length > sent) {
          s.write(all.subarray(sent).slice());
          sent = all.length;
        }
        if (c.ended) s.end();
        else setTimeout(pump, 2);
      };
      pump();
    });
    while (Date.now() < deadline) {
      const data = randomBytes(64 * 1024 + (stats.acceptTransfers % 4096));
      const got = await new Promise<Buffer>((resolve, reject) => {
        const socket = net.connect(listener.local.port, '127.0.0.1', () => socket.end(data));
        const chunks: Buffer[] = [];
        socket.on('data', (d: Buffer) => chunks.push(d));
        socket.on('end', () => resolve(Buffer.concat(chunks)));
        socket.on('error', reject);
        setTimeout(() => reject(new Error('accepted transfer timed out')), 30_000).unref();
      });
      if (!got.equals(data)) {
        stats.failures.push(`accepted transfer: sent ${data.length} B, got ${got.length} B`);
        return;
      }
      stats.acceptTransfers++;
    }
    listener.close();
    if (backend.goneReason) stats.failures.push(`a good client lost the relay: ${backend.goneReason.description}`);
  } catch (err) {
    stats.failures.push(`good accepting client: ${(err as Error).message}`);
  } finally {
    backend.close();
  }
}

/** Datagrams to a UDP echo server and back, each one verified (retried: UDP may drop). */
export async function goodUdp(url: string, udpPort: number, deadline: number, stats: GoodStats): Promise<void> {
  const backend = await openGood(url);
  try {
    const inbox: { data: Buffer; from: SockAddr }[] = [];
    const udp = await backend.bindDatagram({ family: 4, ip: '127.0.0.1', port: 0 }, { ipv6Only: false, reuseAddr: false }, (data, from) => inbox.push({ data: Buffer.from(data), from }));
    let seq = 0;
    while (Date.now() < deadline) {
      const payload = Buffer.concat([Buffer.from(`dgram ${seq++} `), randomBytes(seq % 1200)]);
      let ok = false;
      for (let attempt = 0; attempt < 5 && !ok; attempt++) {
        udp.send(payload, { family: 4, ip: '127.0.0.1', port: udpPort });
        const until = Date.now() + 1000;
        while (Date.now() < until && !ok) {
          await sleep(2);
          for (const d of inbox.splice(0)) {
            if (d.from.port !== udpPort || d.from.ip !== '127.0.0.1') stats.failures.push(`datagram from ${d.from.ip}:${d.from.port}`);
            // Earlier attempts' duplicates may arrive late; only corruption is an error.
            if (!d.data.subarray(0, 6).equals(Buffer.from('dgram '))) stats.failures.push('a datagram came back altered');
            if (d.data.equals(payload)) ok = true;
          }
        }
      }
      if (!ok) {
        stats.failures.push(`datagram ${seq} never came back in 5 tries`);
        return;
      }
      stats.datagrams++;
    }
    udp.close();
    if (backend.goneReason) stats.failures.push(`a good client lost the relay: ${backend.goneReason.description}`);
  } catch (err) {
    stats.failures.push(`good UDP client: ${(err as Error).message}`);
  } finally {
    backend.close();
  }
}

