// One page's WebSocket: its socket ids, the dispatch of its frames to real
// sockets (through a NetBackend, normally the node backend, so the relay
// performs exactly the operations `run.js` would), and its limits. Ids live
// in this session's own table, so a page can only ever name its own sockets.
// A frame that breaks the protocol closes this WebSocket and nothing else.

import type { WebSocket, RawData } from 'ws';
import type { DatagramSocket, Listener, NetBackend, Stream } from '../net/backend.js';
import { NetError } from '../net/backend.js';
import { parseIp, type SockAddr } from '../net/addr.js';
import { E } from '../abi/errno.js';
import { CLOSE, HEADER_BYTES, OP, PROTOCOL_VERSION, RELAY_ID_MIN, SOCKOPT, ADDR_BYTES } from './protocol.js';
import { closeReason, decodeFrame, ProtocolError } from './frame.js';
import { decodeClientFrame, relayFrames, type ClientMessage } from './messages.js';
import type { RelayLimits, RelayRules } from './limits.js';
import { Outbox } from './outbox.js';
import { RelayedStream, type StreamPort } from './relayed-stream.js';

/** A request still being carried out; CLOSE/RESET cancels it. */
interface Pending {
  kind: 'pending';
  request: number;
  canceled: boolean;
}

type Entry =
  | Pending
  | { kind: 'stream'; stream: RelayedStream }
  | { kind: 'listener'; listener: Listener }
  | { kind: 'udp'; udp: DatagramSocket };

/** What one page holds in the relay right now: sockets and buffered bytes. */
export interface SessionStats {
  sockets: number;
  streams: number;
  /** Frames queued towards the page, not yet written to the kernel (≤ maxQueuedBytes + one frame). */
  queuedBytes: number;
  /** The relay stopped reading for this page until its queue drains. */
  congested: boolean;
  /** Sums over the page's streams (RelayedStreamStats). */
  heldBytes: number;
  uncreditedBytes: number;
  unackedBytes: number;
  socketReadableBytes: number;
  socketWritableBytes: number;
}

export interface SessionOptions {
  ws: WebSocket;
  backend: NetBackend;
  rules: RelayRules;
  limits: RelayLimits;
  /** Called once when the session is over, whoever ended it. */
  onEnd(session: RelaySession): void;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const MAX_DATA_CHUNK = 64 * 1024;
const RELAY_ID_MAX = 0xffff_ffff;

function errnoOf(err: unknown): number {
  return err instanceof NetError ? err.errno : E.IO;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export class RelaySession implements StreamPort {
  private readonly ws: WebSocket;
  private readonly backend: NetBackend;
  private readonly rules: RelayRules;
  private readonly limits: RelayLimits;
  private readonly entries = new Map<number, Entry>();
  private readonly outbox: Outbox;
  private readonly chunk: number;
  private nextRelayId = RELAY_ID_MIN;
  private resolving = 0;
  private over = false;
  private lastHeard = Date.now();
  private readonly idleCheck: ReturnType<typeof setInterval>;

  constructor(private readonly options: SessionOptions) {
    this.ws = options.ws;
    this.backend = options.backend;
    this.rules = options.rules;
    this.limits = options.limits;
    this.chunk = Math.min(MAX_DATA_CHUNK, this.limits.maxFrameBytes - HEADER_BYTES);
    this.outbox = new Outbox(this.ws, this.limits.maxQueuedBytes, (congested) => this.congestionChanged(congested));
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.teardown());
    this.ws.on('error', () => this.teardown());
    this.idleCheck = setInterval(() => this.checkIdle(), Math.max(25, Math.floor(this.limits.idleMs / 4)));
    this.idleCheck.unref();
    this.send(relayFrames.hello({
      version: PROTOCOL_VERSION,
      maxFrameBytes: this.limits.maxFrameBytes,
      windowBytes: this.limits.windowBytes,
      maxSockets: this.limits.maxSockets,
      idleMs: this.limits.idleMs,
      listenPorts: this.rules.listenPorts,
    }));
  }

  /** Sockets (open or opening) this page holds. */
  get socketCount(): number {
    return this.entries.size;
  }

  get congested(): boolean {
    return this.outbox.congested;
  }

  stats(): SessionStats {
    const out: SessionStats = {
      sockets: this.entries.size, streams: 0, queuedBytes: this.outbox.queuedBytes, congested: this.outbox.congested,
      heldBytes: 0, uncreditedBytes: 0, unackedBytes: 0, socketReadableBytes: 0, socketWritableBytes: 0,
    };
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'stream') continue;
      const s = entry.stream.stats();
      out.streams++;
      out.heldBytes += s.heldBytes;
      out.uncreditedBytes += s.uncreditedBytes;
      out.unackedBytes += s.unackedBytes;
      out.socketReadableBytes += s.socketReadableBytes;
      out.socketWritableBytes += s.socketWritableBytes;
    }
    return out;
  }

  send(frame: Uint8Array): void {
    if (!this.over) this.outbox.send(frame);
  }

  finished(id: number): void {
    this.entries.delete(id);
  }

  /** Ends the session with `code`; every socket of the page is closed. */
  close(code: number, reason: string): void {
    if (this.over) return;
    this.ws.close(code, closeReason(reason));
    this.teardown();
    // A page that never answers the closing handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  // --- receiving ---------------------------------------------------------

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.over) return;
    this.lastHeard = Date.now();
    if (!isBinary) {
      this.close(CLOSE.UNSUPPORTED_DATA, 'text messages are not part of the protocol');
      return;
    }
    try {
      const frame = decodeFrame(bytesOf(data), this.limits.maxFrameBytes);
      this.dispatch(decodeClientFrame(frame));
    } catch (err) {
      if (err instanceof ProtocolError) this.close(err.code, err.message);
      else this.close(CLOSE.INTERNAL, `relay error: ${messageOf(err)}`);
    }
  }

  private dispatch(m: ClientMessage): void {
    switch (m.kind) {
      case 'connect': return this.connect(m.socket, m.request, m.to, m.from);
      case 'listen': return this.listen(m.socket, m.request, m.at, m.backlog, m.ipv6Only, m.reusePort);
      case 'udp-bind': return this.bindUdp(m.socket, m.request, m.at, m.ipv6Only, m.reuseAddr);
      case 'resolve': return this.resolve(m.request, m.family, m.name);
      case 'data': return this.withStream(m.socket, OP.DATA, (s) => s.write(m.data));
      case 'end': return this.withStream(m.socket, OP.END, (s) => { s.end(m.closed); return 0; });
      case 'reset': return this.reset(m.socket);
      case 'close': return this.release(m.socket, OP.CLOSE);
      case 'datagram': return this.sendDatagram(m.socket, m.addr, m.data);
      case 'setopt': return this.setopt(m.socket, m.option, m.value);
      case 'credit': {
        // Credit for a stream that has just ended is a normal race: ignored.
        const entry = this.entries.get(m.socket);
        if (entry?.kind === 'stream') entry.stream.grant(m.bytes);
        return;
      }
      case 'keepalive': return;
    }
  }

  // --- opening sockets ---------------------------------------------------

  /** Reserves `id` for a request, or answers why not. */
  private claim(id: number, request: number): Pending | null {
    if (this.entries.has(id)) {
      this.send(relayFrames.replyError(id, request, E.EXIST, `socket id ${id} is already in use`));
      return null;
    }
    if (this.entries.size >= this.limits.maxSockets) {
      this.send(relayFrames.replyError(id, request, E.MFILE, `this page already has ${this.limits.maxSockets} sockets (relay limit)`));
      return null;
    }
    const pending: Pending = { kind: 'pending', request, canceled: false };
    this.entries.set(id, pending);
    return pending;
  }

  /** Runs `open` for a claimed id; a canceled or failed request leaves no trace. */
  private settle<T>(id: number, pending: Pending, attempt: Promise<T>, onOpen: (value: T) => void, discard: (value: T) => void): void {
    attempt.then(
      (value) => {
        if (pending.canceled || this.over) return discard(value);
        onOpen(value);
      },
      (err: unknown) => {
        if (pending.canceled || this.over) return;
        this.entries.delete(id);
        this.send(relayFrames.replyError(id, pending.request, errnoOf(err), messageOf(err)));
      },
    );
  }

  private refuse(id: number, request: number, errno: number, message: string): void {
    this.entries.delete(id);
    this.send(relayFrames.replyError(id, request, errno, message));
  }

  private connect(id: number, request: number, to: SockAddr, from: SockAddr | null): void {
    const pending = this.claim(id, request);
    if (!pending) return;
    const denial = this.rules.connect(to, from);
    if (denial) return this.refuse(id, request, denial.errno, denial.message);
    if (to.port === 0) return this.refuse(id, request, E.CONNREFUSED, 'port 0 is not a destination');
    this.settle(id, pending, this.backend.connect(to, from && this.rules.narrow(from)), (stream: Stream) => {
      const relayed = new RelayedStream(id, stream, this, this.limits.windowBytes, this.chunk);
      this.entries.set(id, { kind: 'stream', stream: relayed });
      this.send(relayFrames.connected(id, request, stream.local, stream.remote));
      relayed.start();
    }, (stream) => stream.destroy());
  }

  private listen(id: number, request: number, at: SockAddr, backlog: number, ipv6Only: boolean, reusePort: boolean): void {
    const pending = this.claim(id, request);
    if (!pending) return;
    const denial = this.rules.local(at);
    if (denial) return this.refuse(id, request, denial.errno, denial.message);
    // A page decides whether its own connections still hold the port after
    // this reply: report first any reset behind a peer's FIN that the
    // real sockets hold and have not shown yet (the RESET goes out first).
    for (const entry of this.entries.values()) if (entry.kind === 'stream') entry.stream.checkReset();
    const attempt = this.backend.listen(this.rules.narrow(at), { backlog: backlog || 511, ipv6Only, reusePort }, (stream) => this.accepted(id, stream));
    this.settle(id, pending, attempt, (listener: Listener) => {
      this.entries.set(id, { kind: 'listener', listener });
      this.send(relayFrames.bound(id, request, listener.local));
    }, (listener) => listener.close());
  }

  /** A connection to a page's listening socket: it gets a relay-chosen id. */
  private accepted(listenerId: number, stream: Stream): void {
    const owner = this.entries.get(listenerId);
    if (this.over || owner?.kind !== 'listener' || this.entries.size >= this.limits.maxSockets) {
      // Like a full backlog: the connecting peer sees the connection reset.
      stream.destroy();
      return;
    }
    const id = this.allocateRelayId();
    const relayed = new RelayedStream(id, stream, this, this.limits.windowBytes, this.chunk);
    this.entries.set(id, { kind: 'stream', stream: relayed });
    this.send(relayFrames.accept(listenerId, id, stream.local, stream.remote));
    relayed.start();
  }

  private allocateRelayId(): number {
    // At most maxSockets ids are in use, so this finds one quickly.
    for (;;) {
      const id = this.nextRelayId;
      this.nextRelayId = id === RELAY_ID_MAX ? RELAY_ID_MIN : id + 1;
      if (!this.entries.has(id)) return id;
    }
  }

  private bindUdp(id: number, request: number, at: SockAddr, ipv6Only: boolean, reuseAddr: boolean): void {
    const pending = this.claim(id, request);
    if (!pending) return;
    const denial = this.rules.local(at);
    if (denial) return this.refuse(id, request, denial.errno, denial.message);
    const attempt = this.backend.bindDatagram(this.rules.narrow(at), { ipv6Only, reuseAddr }, (data, from) => this.datagramIn(id, data, from));
    this.settle(id, pending, attempt, (udp: DatagramSocket) => {
      this.entries.set(id, { kind: 'udp', udp });
      this.send(relayFrames.bound(id, request, udp.local));
    }, (udp) => udp.close());
  }

  private datagramIn(id: number, data: Uint8Array, from: SockAddr): void {
    // UDP may drop: when the page is not keeping up, datagrams are dropped
    // here rather than queued, as a full socket buffer would.
    if (this.over || this.outbox.congested || this.entries.get(id)?.kind !== 'udp') return;
    if (HEADER_BYTES + ADDR_BYTES + data.length > this.limits.maxFrameBytes) return;
    this.send(relayFrames.datagram(id, from, data));
  }

  private resolve(request: number, family: 0 | 4 | 6, nameBytes: Uint8Array): void {
    if (this.resolving >= this.limits.maxResolves) {
      this.send(relayFrames.replyError(0, request, E.AGAIN, `too many name lookups in progress (relay limit ${this.limits.maxResolves})`));
      return;
    }
    let name: string;
    try {
      name = utf8Strict.decode(nameBytes);
    } catch {
      this.send(relayFrames.replyError(0, request, E.INVAL, 'the host name is not UTF-8'));
      return;
    }
    // An address needs no resolver (the backend answers it without a query).
    // localhost, and per RFC 6761 any name under it, is answered from the
    // host's own tables. Any other name would become a DNS query leaving this
    // machine, which a page could use to signal out through a loopback-only
    // relay: such names are unknown unless the policy reaches beyond loopback.
    const numeric = parseIp(name) !== null;
    const lower = name.toLowerCase().replace(/\.$/, '');
    const local = lower === 'localhost' || lower.endsWith('.localhost');
    if (!numeric && !local && !this.rules.policy.reachesBeyondLoopback()) {
      this.send(relayFrames.replyError(0, request, E.NOENT, `unknown host ${name} (the relay's policy reaches loopback only, so it asks no DNS server)`));
      return;
    }
    this.resolving++;
    this.backend.resolve(local ? 'localhost' : name, family).then(
      (addrs) => this.send(relayFrames.resolved(request, addrs.map((a) => ({ ...a, port: 0 })))),
      (err: unknown) => this.send(relayFrames.replyError(0, request, errnoOf(err), messageOf(err))),
    ).finally(() => {
      this.resolving--;
    });
  }

  // --- traffic on open sockets -------------------------------------------

  private withStream(id: number, op: number, action: (stream: RelayedStream) => number): void {
    const entry = this.entries.get(id);
    let errno: number;
    if (!entry) errno = E.BADF;
    else if (entry.kind === 'pending') errno = E.NOTCONN;
    else if (entry.kind !== 'stream') errno = E.INVAL;
    else errno = action(entry.stream);
    if (errno !== 0) this.send(relayFrames.error(id, op, errno));
  }

  /**
   * RESET names a stream (or a socket still being opened, which it cancels
   * like CLOSE); a listener or UDP socket is the wrong kind: EINVAL, and the
   * socket stays open.
   */
  private reset(id: number): void {
    const kind = this.entries.get(id)?.kind;
    if (kind === 'listener' || kind === 'udp') {
      this.send(relayFrames.error(id, OP.RESET, E.INVAL, 'RESET is for streams; close a listener or UDP socket with CLOSE'));
      return;
    }
    this.release(id, OP.RESET);
  }

  private release(id: number, op: number): void {
    const entry = this.entries.get(id);
    if (!entry) {
      this.send(relayFrames.error(id, op, E.BADF));
      return;
    }
    this.entries.delete(id);
    this.dispose(id, entry);
  }

  private dispose(id: number, entry: Entry): void {
    switch (entry.kind) {
      case 'pending':
        entry.canceled = true;
        this.send(relayFrames.replyError(id, entry.request, E.CANCELED, 'canceled by CLOSE/RESET'));
        break;
      case 'stream': entry.stream.destroy(); break;
      case 'listener': entry.listener.close(); break;
      case 'udp': entry.udp.close(); break;
    }
  }

  private sendDatagram(id: number, to: SockAddr, data: Uint8Array): void {
    const entry = this.entries.get(id);
    if (entry?.kind !== 'udp') {
      this.send(relayFrames.error(id, OP.DATAGRAM, !entry ? E.BADF : entry.kind === 'pending' ? E.NOTCONN : E.INVAL));
      return;
    }
    const denial = this.rules.sendto(to);
    if (denial) {
      this.send(relayFrames.error(id, OP.DATAGRAM, denial.errno, denial.message));
      return;
    }
    if (to.port === 0) {
      this.send(relayFrames.error(id, OP.DATAGRAM, E.INVAL, 'port 0 is not a destination'));
      return;
    }
    entry.udp.send(data, to);
  }

  private setopt(id: number, option: number, value: number): void {
    const entry = this.entries.get(id);
    const fail = (errno: number) => this.send(relayFrames.error(id, OP.SETOPT, errno));
    if (!entry) return fail(E.BADF);
    if (entry.kind === 'pending') return fail(E.NOTCONN);
    const bool = value === 0 || value === 1;
    switch (option) {
      case SOCKOPT.NODELAY:
      case SOCKOPT.KEEPALIVE:
        if (entry.kind !== 'stream' || !bool) return fail(E.INVAL);
        if (option === SOCKOPT.NODELAY) entry.stream.setNoDelay(value === 1);
        else entry.stream.setKeepAlive(value === 1);
        return;
      case SOCKOPT.BROADCAST:
        if (entry.kind !== 'udp' || !bool) return fail(E.INVAL);
        entry.udp.setBroadcast(value === 1);
        return;
      case SOCKOPT.TTL:
        if (entry.kind !== 'udp' || value < 1 || value > 255) return fail(E.INVAL);
        entry.udp.setTTL(value);
        return;
      default:
        return fail(E.NOPROTOOPT);
    }
  }

  // --- life cycle ----------------------------------------------------------

  private congestionChanged(congested: boolean): void {
    // Stop reading the page too: a page that does not read cannot make the
    // relay queue ERROR frames without bound either.
    if (congested) this.ws.pause();
    else this.ws.resume();
    for (const entry of this.entries.values()) if (entry.kind === 'stream') entry.stream.congestionChanged();
  }

  private checkIdle(): void {
    if (Date.now() - this.lastHeard >= this.limits.idleMs) this.close(CLOSE.IDLE, `nothing received for ${this.limits.idleMs} ms`);
  }

  private teardown(): void {
    if (this.over) return;
    this.over = true;
    clearInterval(this.idleCheck);
    for (const [id, entry] of this.entries) {
      if (entry.kind === 'pending') entry.canceled = true;
      else this.dispose(id, entry);
    }
    this.entries.clear();
    this.options.onEnd(this);
  }
}
