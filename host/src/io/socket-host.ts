// The I/O thread's socket state machine, shared by every backend: it owns the
// arena's slots, answers the guest's control calls, moves bytes between the
// rings and the backend's streams and datagram sockets, and keeps the
// readiness words current. Only the NetBackend differs between Node, the
// relay and the in-page network.

import { type Arena, S, SF } from '../bridge/arena.js';
import { Ring } from '../bridge/ring.js';
import { wakeGuest, watchDoorbell } from '../bridge/signals.js';
import { dropFd, lendFd, revokeFd } from '../bridge/direct-send.js';
import { type ControlReply, type ControlRequest, writeReply } from '../bridge/control.js';
import type { DatagramSocket, Listener, NetBackend, Stream } from '../net/backend.js';
import { NetError } from '../net/backend.js';
import type { SockAddr } from '../net/addr.js';
import { E, errnoFromNodeError } from '../abi/errno.js';
import { encodeDatagramHeader, decodeDatagramHeader, DGRAM_HEADER_BYTES } from './datagram-record.js';
import { ACCEPT_RECORD_BYTES, encodeAcceptRecord } from './accept-record.js';

/**
 * Runs `fn` after the event loop has polled for I/O at least once, so bytes
 * the kernel or the transport already holds have been delivered by then
 * (two timer turns; setImmediate does not exist in browsers).
 *
 * `stream`: whose bytes. A Node socket's are in this process's kernel, and
 * one poll phase delivers them: in Node, two check phases (the second comes
 * after the next poll phase) take microseconds where two timer turns take
 * two milliseconds (a close() waited that long before its FIN: 300
 * connections a second). A transport that cannot ask at once (the relay,
 * whose streams have no checkReset) gets the timer turns: its bytes may
 * need more than one turn of the loop to arrive (found by the differential
 * fuzzer's shutdown regression over the relay).
 */
function afterNextPoll(fn: () => void, stream?: Stream): void {
  if (stream?.checkReset !== undefined && typeof setImmediate === 'function') setImmediate(() => setImmediate(fn));
  else setTimeout(() => setTimeout(fn, 0), 0);
}

function failedReply(err: unknown): ControlReply {
  return { errno: err instanceof NetError ? err.errno : E.IO, message: String((err as Error)?.message ?? err) };
}

/** Settles after the event loop's next poll phase (see afterNextPoll). */
function nextPoll(stream?: Stream): Promise<void> {
  return new Promise((resolve) => afterNextPoll(resolve, stream));
}

function isUnspecified(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

/** Bytes the backend may hold unsent before the send ring stops draining. */
const TRANSPORT_HIGH_WATER = 256 * 1024;

type Kind = 'stream' | 'dgram';

interface HostSocket {
  slot: number;
  kind: Kind;
  family: 4 | 6;
  /** Address an implicit bind uses (0.0.0.0 narrowed to loopback by policy). */
  anyAddr: string;
  rx: Ring;
  tx: Ring;
  // stream state
  stream?: Stream;
  listener?: Listener;
  /**
   * Arrived connections whose accept records the guest may not have taken
   * yet, oldest first; the ring's fill level says how many are still there
   * (syncAcceptQueue).
   */
  acceptQueue: HostSocket[];
  /** Received bytes that did not fit in the ring; the stream is paused meanwhile. */
  overflow: Uint8Array[];
  eofPending: boolean;
  readShut: boolean;
  writeShut: boolean;
  waitingDrain: boolean;
  /** The guest closed its fd: flush the send ring, then end and free the slot. */
  closing: boolean;
  /** A closed socket got data and was reset (no FIN goes out after that). */
  resetSent?: boolean;
  /** Shut both ways, and what the kernel held then has been read: new data resets. */
  shutBoth?: boolean;
  linger0: boolean;
  noDelay: boolean;
  keepAlive: boolean;
  /** TCP_KEEPIDLE in seconds (Linux's default 7200). */
  keepIdle: number;
  ipv6Only: boolean;
  reusePort: boolean;
  reuseAddr: boolean;
  // datagram state
  udp?: DatagramSocket;
  udpBinding?: Promise<DatagramSocket>;
  peer?: SockAddr;
  broadcast: boolean;
  ttl: number;
  multicastTtl: number;
  multicastLoop: boolean;
  /** Groups joined before the socket was bound (applied when it binds): "group|iface". */
  memberships: Set<string>;
}

export interface SocketHostOptions {
  arena: Arena;
  backend: NetBackend;
  /** Called once for slot 0 when the guest first wants stdin. */
  onStdinWanted?: () => void;
  /** Called when slot 0 (stdin) has room again after a pause. */
  onStdinDrained?: () => void;
}

export class SocketHost {
  private readonly arena: Arena;
  private readonly backend: NetBackend;
  private readonly sockets = new Map<number, HostSocket>();
  private readonly inUse: Uint8Array;
  private nextFree = 1;
  private readonly doorbell: { stop(): void };
  private stdinWanted = false;
  /** Streams released while their last bytes are still going out. */
  private readonly flushing = new Set<Promise<void>>();

  constructor(private readonly options: SocketHostOptions) {
    this.arena = options.arena;
    this.backend = options.backend;
    this.inUse = new Uint8Array(this.arena.maxSockets + 1);
    this.inUse[0] = 1;
    this.doorbell = watchDoorbell(this.arena, (slot) => this.onDirty(slot), (request) => void this.handle(request));
  }

  /** Handles one control request and publishes its reply. */
  async handle(request: ControlRequest): Promise<void> {
    writeReply(this.arena, request.id, await this.call(request.op, request.args));
  }

  /**
   * Performs one control call: its reply at once when the operation is
   * synchronous, a promise of it otherwise. Worker mode reaches this
   * through handle(); JSPI mode calls it directly (jspi/direct-control.ts).
   */
  call(op: string, args: Record<string, unknown>): ControlReply | Promise<ControlReply> {
    // What the guest did on the data path before this call happens first
    // (its doorbell may still be in flight): a sendto() that implicitly
    // binds must have bound by the time getsockname() asks.
    const slot = args.slot;
    if (typeof slot === 'number' && this.sockets.has(slot)) this.onDirty(slot);
    try {
      const reply = this.dispatch(op, args);
      return reply instanceof Promise ? reply.catch(failedReply) : reply;
    } catch (err) {
      return failedReply(err);
    }
  }

  /** The guest touched `slot` (JSPI mode: markDirty calls this directly, no doorbell). */
  touched(slot: number): void {
    this.onDirty(slot);
  }

  /**
   * Closes every socket (the guest exited or trapped), as a kernel does for
   * a process that ends: listening ports are freed at once, data already
   * written is still delivered and peers see EOF. Resolves when those last
   * bytes are out, or after `graceMs` (a peer that never reads).
   */
  async shutdown(graceMs = 5000): Promise<void> {
    this.doorbell.stop();
    // What the guest did just before it ended and the doorbell has not
    // delivered yet: close() (no reply is awaited), sends, datagrams.
    // The guest's thread is gone: a descriptor it had claimed for a write
    // (killed in the middle of one) is taken back without waiting for it.
    for (const slot of this.sockets.keys()) dropFd(this.arena, slot);
    for (const slot of [...this.sockets.keys()]) this.onDirty(slot);
    for (const sock of [...this.sockets.values()]) {
      // As at close(): a connection with data the guest never read is reset
      // (Linux does this at exit too); otherwise its last writes go out.
      const unread = sock.stream !== undefined && (sock.rx.used() > 0 || sock.overflow.length > 0);
      if (sock.stream && !unread) this.flushSend(sock, true);
      this.release(sock, !unread);
    }
    if (this.flushing.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(this.flushing),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }

  /**
   * The network itself is gone (the relay's WebSocket dropped): every
   * socket fails with `errno`, and every blocked call — read, write, accept,
   * recvfrom, poll — returns instead of waiting for a peer that cannot come.
   */
  networkGone(errno: number = E.CONNRESET): void {
    for (const sock of this.sockets.values()) {
      if (this.arena.load(sock.slot, S.ERROR) === 0) this.arena.store(sock.slot, S.ERROR, errno);
      this.arena.setFlags(sock.slot, SF.HANGUP | SF.TX_CLOSED);
      this.arena.clearFlags(sock.slot, SF.CONNECTING);
    }
    wakeGuest(this.arena);
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  private dispatch(op: string, args: Record<string, unknown>): Promise<ControlReply> | ControlReply {
    switch (op) {
      case 'open': return this.open(args.kind as Kind, args.family as 4 | 6, args.anyAddr as string);
      case 'bind': return this.bind(this.get(args.slot), args.addr as SockAddr);
      case 'listen': return this.listen(this.get(args.slot), args.backlog as number);
      case 'connect': return this.connect(this.get(args.slot), args.addr as SockAddr, args.nonblocking === true);
      case 'shutdown': return this.shutdownSocket(this.get(args.slot), args.how as number);
      case 'sockname': return this.sockname(this.get(args.slot));
      case 'setopt': return this.setopt(this.get(args.slot), args.name as string, args.value as number);
      case 'membership': return this.membership(this.get(args.slot), args.join === true, args.group as string, (args.iface as string | null) ?? undefined);
      case 'resolve': return this.resolve(args.host as string, args.family as 0 | 4 | 6);
      case 'reverse': return this.reverse(args.ip as string);
      default: return { errno: E.NOSYS };
    }
  }

  private get(slot: unknown): HostSocket {
    const sock = typeof slot === 'number' ? this.sockets.get(slot) : undefined;
    if (!sock || sock.closing) throw new NetError(E.BADF);
    return sock;
  }

  // --- slots ------------------------------------------------------------

  private allocate(kind: Kind, family: 4 | 6, anyAddr: string): HostSocket | null {
    const max = this.arena.maxSockets;
    for (let i = 0; i < max; i++) {
      const slot = ((this.nextFree - 1 + i) % max) + 1;
      if (this.inUse[slot]) continue;
      try {
        this.arena.reserveSlot(slot);
      } catch {
        // The memory for another socket's rings could not be committed.
        return null;
      }
      this.inUse[slot] = 1;
      this.nextFree = slot + 1;
      this.arena.resetSlot(slot);
      const sock: HostSocket = {
        slot, kind, family, anyAddr,
        rx: new Ring(this.arena, slot, 'rx'),
        tx: new Ring(this.arena, slot, 'tx'),
        acceptQueue: [], overflow: [], eofPending: false, readShut: false, writeShut: false,
        waitingDrain: false, closing: false, linger0: false, noDelay: false, keepAlive: false,
        ipv6Only: false, reusePort: false, reuseAddr: false, broadcast: false, ttl: 64,
        keepIdle: 7200, multicastTtl: 1, multicastLoop: true, memberships: new Set(),
      };
      this.sockets.set(slot, sock);
      return sock;
    }
    return null;
  }

  /**
   * Whether `sock` still owns its slot. A slot number is reused as soon as a
   * socket is released, while the released socket's transport may still
   * report events (the peer's FIN after our close, a late error, a bind
   * that completes after close): those must never reach the slot's new
   * owner, so every asynchronous path checks ownership, not the number.
   */
  private owns(sock: HostSocket): boolean {
    return this.sockets.get(sock.slot) === sock;
  }

  /**
   * Frees the slot; `graceful` ends a stream with FIN, otherwise it is
   * destroyed. `deferFin`: the guest's close(), which first lets the event
   * loop read what the kernel already holds (see below).
   */
  private release(sock: HostSocket, graceful: boolean, deferFin = false): void {
    if (!this.owns(sock)) return;
    this.sockets.delete(sock.slot);
    sock.closing = true;
    if (sock.stream) {
      revokeFd(this.arena, sock.slot);
      if (graceful && !sock.linger0) {
        // Bytes already in the kernel for this socket, not yet read by the
        // event loop, are unread to Linux: close() then resets at once,
        // without a FIN. Let the loop poll once first; if they arrive,
        // onStreamData resets the connection instead.
        const stream = sock.stream;
        const finish = () => (stream.close ? stream.close() : stream.end());
        if (deferFin) {
          afterNextPoll(() => {
            if (!sock.resetSent) finish();
          }, stream);
        } else {
          finish();
        }
        this.keepFlushing(stream.finished());
      } else {
        sock.stream.destroy();
      }
    }
    sock.listener?.close();
    this.dropPendingConnections(sock);
    if (sock.udp) {
      sock.udp.close();
      const sent = sock.udp.finished?.();
      if (sent) this.keepFlushing(sent);
    }
    void sock.udpBinding?.then((udp) => udp.close(), () => {});
    this.inUse[sock.slot] = 0;
    if (sock.slot < this.nextFree) this.nextFree = sock.slot;
  }

  /** shutdown() waits (within its grace period) until `sent` settles: a released socket's last sends. */
  private keepFlushing(sent: Promise<void>): void {
    const done = sent.finally(() => this.flushing.delete(done));
    this.flushing.add(done);
  }

  // --- control operations ----------------------------------------------

  /**
   * A listening socket the host opens before the guest starts (run.js
   * --tcplisten, as wasmtime's): open, bind and listen, as the guest's own
   * calls would. The guest receives it as a preopened descriptor.
   */
  async preopenListener(at: SockAddr, anyAddr: string): Promise<ControlReply> {
    const opened = this.open('stream', at.family, anyAddr);
    if (opened.errno !== 0) return opened;
    const sock = this.get(opened.slot);
    try {
      const bound = await this.bind(sock, at);
      if (bound.errno !== 0) return bound;
      const listening = await this.listen(sock, 511);
      return listening.errno !== 0 ? listening : { errno: 0, slot: sock.slot, local: listening.local };
    } catch (err) {
      return { errno: err instanceof NetError ? err.errno : E.IO };
    }
  }

  private open(kind: Kind, family: 4 | 6, anyAddr: string): ControlReply {
    const sock = this.allocate(kind, family, anyAddr);
    if (!sock) return { errno: E.MFILE };
    if (kind === 'stream') this.arena.setFlags(sock.slot, 0);
    return { errno: 0, slot: sock.slot };
  }

  private async bind(sock: HostSocket, addr: SockAddr): Promise<ControlReply> {
    if (sock.listener || sock.stream || sock.udp || sock.udpBinding) return { errno: E.INVAL };
    if (sock.kind === 'dgram') {
      const udp = await this.bindDatagram(sock, addr);
      return { errno: 0, local: udp.local };
    }
    const holder = addr.port !== 0 ? this.portHeld(sock, addr) : null;
    // A connection past its peer's FIN may have been reset, which frees the
    // port, without our knowing yet: a transport that cannot ask at once
    // (the relay, a round trip away) reports such resets before it answers
    // the listen below, so look again then.
    const lookAgain = holder !== null && holder.stream?.checkReset === undefined && (this.arena.flags(holder.slot) & SF.PEER_FIN) !== 0;
    if (holder && !lookAgain) return { errno: E.ADDRINUSE };
    // TCP: node:net cannot bind without listening, so a stream socket starts
    // listening at bind(); connections that arrive before listen() wait in
    // the accept queue. This reports EADDRINUSE at bind(), as natively.
    const listener = await this.backend.listen(addr, { backlog: 511, ipv6Only: sock.ipv6Only, reusePort: sock.reusePort }, (stream) => this.onIncoming(sock, stream));
    if (!this.owns(sock)) {
      listener.close();
      return { errno: E.BADF };
    }
    if (lookAgain && this.portHeld(sock, addr)) {
      listener.close();
      return { errno: E.ADDRINUSE };
    }
    sock.listener = listener;
    return { errno: 0, local: listener.local };
  }

  /**
   * Linux refuses to bind a TCP port that another socket still holds —
   * an accepted connection outliving its listener, say — unless both set
   * SO_REUSEADDR (an accepted socket inherits its listener's). Node sets
   * SO_REUSEADDR on every listening socket, so the kernel would allow it:
   * check this program's own sockets here. Returns a socket that holds it.
   */
  private portHeld(sock: HostSocket, addr: SockAddr): HostSocket | null {
    for (const other of this.sockets.values()) {
      if (other === sock || other.kind !== 'stream' || other.closing) continue;
      // A reset that answered our last send may not have been reported yet.
      if (this.arena.flags(other.slot) & SF.PEER_FIN) other.stream?.checkReset?.();
      // A connection that is over (reset, or FIN both ways) is closed in the
      // kernel and holds no port. (When our FIN went first, Linux keeps the
      // port in TIME_WAIT: not followed, see the README's deviations.)
      const f = this.arena.flags(other.slot);
      if (f & SF.HANGUP || (f & SF.TX_CLOSED && f & SF.PEER_FIN)) continue;
      const local = other.listener?.local ?? other.stream?.local;
      if (!local || local.port !== addr.port || local.family !== addr.family) continue;
      if (local.ip !== addr.ip && !isUnspecified(local.ip) && !isUnspecified(addr.ip)) continue;
      if (other.listener || !(sock.reuseAddr && other.reuseAddr)) return other;
    }
    return null;
  }

  private async listen(sock: HostSocket, _backlog: number): Promise<ControlReply> {
    if (sock.kind !== 'stream') return { errno: E.NOTSUP };
    if (sock.stream) return { errno: E.INVAL };
    if (!sock.listener) {
      const reply = await this.bind(sock, { family: sock.family, ip: sock.anyAddr, port: 0 });
      if (reply.errno !== 0) return reply;
    }
    this.arena.setFlags(sock.slot, SF.LISTENING);
    return { errno: 0, local: sock.listener!.local };
  }

  private onIncoming(listenerSock: HostSocket, stream: Stream): void {
    const live = this.owns(listenerSock) && !listenerSock.closing;
    if (live) this.syncAcceptQueue(listenerSock);
    // A full accept queue drops the connection, as a full backlog does.
    const sock = live && listenerSock.rx.free() >= ACCEPT_RECORD_BYTES ? this.allocate('stream', stream.local.family, listenerSock.anyAddr) : null;
    if (!sock) {
      stream.destroy();
      return;
    }
    this.attachStream(sock, stream);
    // Accepted sockets inherit TCP_NODELAY and SO_REUSEADDR from the listener, as on Linux.
    if (listenerSock.noDelay) stream.setNoDelay(true);
    sock.reuseAddr = listenerSock.reuseAddr;
    sock.linger0 = listenerSock.linger0;
    sock.keepIdle = listenerSock.keepIdle;
    listenerSock.acceptQueue.push(sock);
    listenerSock.rx.write(encodeAcceptRecord({ slot: sock.slot, local: stream.local, remote: stream.remote }));
    wakeGuest(this.arena);
  }

  /**
   * Closes `sock`'s listener and resets the connections still waiting for
   * accept(). Called from a control call (shutdown, connect), so the guest
   * is not reading the ring: the records it will never take are dropped.
   */
  private stopListening(sock: HostSocket): void {
    sock.listener?.close();
    sock.listener = undefined;
    this.dropPendingConnections(sock);
    sock.rx.discard();
    this.arena.clearFlags(sock.slot, SF.LISTENING);
  }

  /** Resets the connections that arrived on `sock` and were never accepted. */
  private dropPendingConnections(sock: HostSocket): void {
    this.syncAcceptQueue(sock);
    for (const pending of sock.acceptQueue) this.release(pending, false);
    sock.acceptQueue = [];
  }

  /** Forgets the queued connections whose records the guest has taken (accepted). */
  private syncAcceptQueue(listenerSock: HostSocket): void {
    const waiting = Math.floor(listenerSock.rx.used() / ACCEPT_RECORD_BYTES);
    if (listenerSock.acceptQueue.length > waiting) listenerSock.acceptQueue.splice(0, listenerSock.acceptQueue.length - waiting);
  }

  private async connect(sock: HostSocket, to: SockAddr, nonblocking: boolean): Promise<ControlReply> {
    if (sock.kind === 'dgram') {
      const udp = sock.udp ?? (await this.bindDatagram(sock, { family: sock.family, ip: sock.anyAddr, port: 0 }));
      sock.peer = to;
      this.arena.setFlags(sock.slot, SF.CONNECTED);
      return { errno: 0, local: udp.local };
    }
    const flags = this.arena.flags(sock.slot);
    if (flags & SF.CONNECTED) return { errno: E.ISCONN };
    if (flags & SF.CONNECTING) return { errno: E.ALREADY };
    if (flags & SF.LISTENING) return { errno: E.INVAL };
    // A bound-but-not-listening socket connects from its bound address.
    let from: SockAddr | null = null;
    if (sock.listener) {
      from = sock.listener.local;
      this.stopListening(sock);
    }
    const attempt = this.backend.connect(to, from);
    this.arena.setFlags(sock.slot, SF.CONNECTING);
    const finish = (stream: Stream | null, errno: number) => {
      if (!this.owns(sock) || sock.closing) {
        if (this.owns(sock)) this.arena.clearFlags(sock.slot, SF.CONNECTING);
        stream?.destroy();
        return;
      }
      if (stream) {
        this.attachStream(sock, stream);
        if (sock.noDelay) stream.setNoDelay(true);
        if (sock.keepAlive) stream.setKeepAlive(true, sock.keepIdle);
      } else {
        this.arena.store(sock.slot, S.ERROR, errno);
        this.arena.setFlags(sock.slot, SF.HANGUP | SF.TX_CLOSED | SF.RX_EOF);
      }
      // Only now: the guest polls on another thread, and a stream socket
      // neither connecting nor connected (nor failed) shows POLLHUP.
      this.arena.clearFlags(sock.slot, SF.CONNECTING);
      wakeGuest(this.arena);
    };
    const settled = attempt.then(
      (stream) => { finish(stream, 0); return { errno: 0, local: stream.local, remote: stream.remote }; },
      (err: unknown) => { const errno = err instanceof NetError ? err.errno : E.IO; finish(null, errno); return { errno }; },
    );
    if (nonblocking) return { errno: E.INPROGRESS };
    const reply = await settled;
    if (reply.errno !== 0) {
      // A blocking connect reports the error itself; it is not also pending.
      this.arena.store(sock.slot, S.ERROR, 0);
    }
    return reply;
  }

  /** The guest closed its fd (SF.GUEST_CLOSED). */
  private close(sock: HostSocket): void {
    sock.closing = true;
    if (sock.kind === 'dgram') {
      this.flushDatagrams(sock);
      this.release(sock, true);
    } else if (sock.stream && (sock.rx.used() > 0 || sock.overflow.length > 0)) {
      // Linux answers close() with unread data by resetting the connection.
      this.release(sock, false);
    } else {
      // Data the guest wrote before close() still goes out, then FIN. The
      // transport queues whatever write() is given, so nothing waits here.
      if (sock.stream) this.flushSend(sock, true);
      this.release(sock, !sock.linger0, true);
    }
  }

  /**
   * Synchronous for a listening socket; otherwise it lets the event loop
   * poll first (a guest on this thread, JSPI mode, suspends for that), and
   * changes the socket only after that wait, so the import's re-run
   * (jspi/replay.ts) sees the socket as it was before this call.
   */
  private shutdownSocket(sock: HostSocket, how: number): ControlReply | Promise<ControlReply> {
    if (sock.listener && how & 1) {
      // SHUT_RD on a listening socket: it stops listening; pending
      // connections are reset and accept() fails with EINVAL from now on.
      this.stopListening(sock);
      wakeGuest(this.arena);
      return { errno: 0 };
    }
    if (sock.kind === 'stream' && !sock.stream) return { errno: E.NOTCONN };
    return this.shutdownConnected(sock, how);
  }

  private async shutdownConnected(sock: HostSocket, how: number): Promise<ControlReply> {
    // Linux answers from the connection's state at this moment, which a FIN
    // or a reset the kernel already holds has changed (both FINs, or data
    // after shutting down both ways, mean TCP_CLOSE: ENOTCONN). The event
    // loop may not have read them yet: let it poll once first.
    await nextPoll(sock.stream);
    if (!this.owns(sock)) return { errno: E.BADF };
    const state = this.arena.flags(sock.slot);
    if (state & SF.HANGUP || (state & SF.TX_CLOSED && state & SF.PEER_FIN)) return { errno: E.NOTCONN };
    if (how & 1) {
      // Linux keeps queueing what arrives after SHUT_RD, and a read returns
      // it; only an empty queue reads as end of file (0, even non-blocking).
      sock.readShut = true;
      this.arena.setFlags(sock.slot, SF.RX_EOF);
    }
    if (how & 2) {
      revokeFd(this.arena, sock.slot);
      sock.writeShut = true;
      this.arena.setFlags(sock.slot, SF.TX_CLOSED);
      this.flushSend(sock);
    }
    if (sock.readShut && sock.writeShut && !sock.shutBoth) {
      // Bytes the kernel already held at the shutdown are not "new": let
      // the event loop poll once before data counts as arriving after it.
      afterNextPoll(() => (sock.shutBoth = true), sock.stream);
    }
    wakeGuest(this.arena);
    // The kernel sends the FIN within shutdown(SHUT_WR); libuv does it on
    // the loop's next turn: answer after it, so the peer's next call sees it.
    if (how & 2) await nextPoll(sock.stream);
    return { errno: 0 };
  }

  /** Synchronous unless a datagram socket's bind is still under way (JSPI mode then suspends). */
  private sockname(sock: HostSocket): ControlReply | Promise<ControlReply> {
    if (sock.udpBinding) return sock.udpBinding.catch(() => undefined).then(() => this.socknameNow(sock));
    return this.socknameNow(sock);
  }

  private socknameNow(sock: HostSocket): ControlReply {
    const local = sock.stream?.local ?? sock.listener?.local ?? sock.udp?.local;
    return local ? { errno: 0, local } : { errno: 0, local: { family: sock.family, ip: sock.family === 6 ? '::' : '0.0.0.0', port: 0 } };
  }

  private setopt(sock: HostSocket, name: string, value: number): ControlReply {
    const on = value !== 0;
    switch (name) {
      case 'tcp_no_delay': sock.noDelay = on; sock.stream?.setNoDelay(on); break;
      case 'keep_alive': sock.keepAlive = on; sock.stream?.setKeepAlive(on, sock.keepIdle); break;
      case 'keep_idle':
        sock.keepIdle = value;
        if (sock.keepAlive) sock.stream?.setKeepAlive(true, value);
        break;
      case 'multicast_ttl': sock.multicastTtl = value; sock.udp?.setMulticastTTL?.(value); break;
      case 'multicast_loop': sock.multicastLoop = on; sock.udp?.setMulticastLoopback?.(on); break;
      case 'broadcast': sock.broadcast = on; sock.udp?.setBroadcast(on); break;
      case 'ip_ttl': sock.ttl = value; sock.udp?.setTTL(value); break;
      case 'ipv6_only': sock.ipv6Only = on; break;
      case 'reuse_port': sock.reusePort = on; break;
      case 'reuse_addr': sock.reuseAddr = on; break;
      case 'linger0': sock.linger0 = on; break;
      default: return { errno: E.NOPROTOOPT };
    }
    return { errno: 0 };
  }

  /**
   * IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP (the guest checked the group, the
   * policy and its own membership list). A socket not bound yet joins when
   * it binds, as Linux lets an unbound socket join without binding it.
   */
  private membership(sock: HostSocket, join: boolean, group: string, iface: string | undefined): ControlReply {
    if (sock.kind !== 'dgram') return { errno: E.PROTO };
    if (!this.backend.multicast) return { errno: E.NOTSUP };
    const key = `${group}|${iface ?? ''}`;
    if (!sock.udp) {
      if (join) sock.memberships.add(key);
      else sock.memberships.delete(key);
      return { errno: 0 };
    }
    try {
      if (join) sock.udp.addMembership?.(group, iface);
      else sock.udp.dropMembership?.(group, iface);
    } catch (err) {
      return { errno: err instanceof NetError ? err.errno : errnoFromNodeError(err) };
    }
    return { errno: 0 };
  }

  private async resolve(host: string, family: 0 | 4 | 6): Promise<ControlReply> {
    const addrs = await this.backend.resolve(host, family);
    return { errno: 0, addrs };
  }

  private async reverse(ip: string): Promise<ControlReply> {
    const name = this.backend.reverse ? await this.backend.reverse(ip) : ip === '127.0.0.1' || ip === '::1' ? 'localhost' : null;
    return name === null ? { errno: E.NOENT } : { errno: 0, name };
  }

  // --- data path ---------------------------------------------------------

  private attachStream(sock: HostSocket, stream: Stream): void {
    sock.stream = stream;
    this.arena.setFlags(sock.slot, SF.CONNECTED);
    stream.attach({
      data: (chunk) => this.onStreamData(sock, chunk),
      end: () => {
        // The peer's FIN after our close(): its slot may belong to a new socket.
        if (!this.owns(sock)) return;
        this.arena.setFlags(sock.slot, SF.PEER_FIN);
        if (sock.overflow.length > 0) sock.eofPending = true;
        else this.arena.setFlags(sock.slot, SF.RX_EOF);
        wakeGuest(this.arena);
      },
      error: (errno) => {
        if (!this.owns(sock)) {
          sock.stream?.destroy();
          return;
        }
        if (sock.closing) {
          this.release(sock, false);
          return;
        }
        // A reset after the peer's FIN finds the connection half closed
        // (CLOSE_WAIT): Linux then fails writes with EPIPE and reads see EOF.
        const finSeen = (this.arena.flags(sock.slot) & SF.PEER_FIN) !== 0;
        this.failConnection(sock, finSeen && errno === E.CONNRESET ? E.PIPE : errno);
      },
      drain: () => {
        sock.waitingDrain = false;
        if (this.owns(sock)) this.onDirty(sock.slot);
      },
      flushed: () => this.markFlushed(sock),
    });
    // release() revokes before the slot changes hands; a later revoke (the
    // descriptor closing after the peer's FIN) would hit the new owner's.
    const fd = stream.lendFd?.(() => {
      if (this.owns(sock)) revokeFd(this.arena, sock.slot);
    });
    if (fd != null) lendFd(this.arena, sock.slot, fd);
  }

  /**
   * The connection failed: `errno` becomes the socket's pending error (the
   * one its next call reports) and poll shows the hang-up.
   */
  private failConnection(sock: HostSocket, errno: number): void {
    // The guest's direct send already took the kernel's one report of it.
    if (!(this.arena.flags(sock.slot) & SF.TX_FAILED)) this.arena.store(sock.slot, S.ERROR, errno);
    this.arena.setFlags(sock.slot, SF.TX_CLOSED | SF.HANGUP);
    wakeGuest(this.arena);
  }

  /** The transport holds nothing unsent: the guest may write directly again. */
  private markFlushed(sock: HostSocket): void {
    if (sock.tx.used() === 0 && this.owns(sock)) this.arena.clearFlags(sock.slot, SF.TX_QUEUED);
  }

  private onStreamData(sock: HostSocket, chunk: Uint8Array): void {
    if (sock.closing || !this.owns(sock)) {
      // Data for a socket the guest closed: a kernel answers with a reset,
      // which is how the peer's next write learns it fails (EPIPE).
      sock.resetSent = true;
      sock.stream?.destroy();
      return;
    }
    if (sock.shutBoth) {
      // Shut both ways (FIN_WAIT with RCV_SHUTDOWN): Linux answers new data
      // with a reset and fails the socket with ECONNRESET. (After SHUT_RD
      // alone the data is queued and read.)
      sock.stream?.destroy();
      this.failConnection(sock, E.CONNRESET);
      return;
    }
    if (sock.overflow.length === 0) {
      const n = sock.rx.write(chunk);
      if (n === chunk.length) {
        wakeGuest(this.arena);
        return;
      }
      chunk = chunk.subarray(n);
    }
    // The ring is full: keep the rest and stop reading from the network, so
    // memory stays bounded however fast the peer sends (backpressure).
    sock.overflow.push(chunk);
    sock.stream?.pause();
    this.arena.setFlags(sock.slot, SF.RX_PAUSED);
    wakeGuest(this.arena);
  }

  /** The guest touched `slot`: it sent data, consumed from a paused ring, or closed. */
  private onDirty(slot: number): void {
    if (slot === 0) {
      if (!this.stdinWanted) {
        this.stdinWanted = true;
        this.options.onStdinWanted?.();
      } else {
        this.options.onStdinDrained?.();
      }
      return;
    }
    const sock = this.sockets.get(slot);
    if (!sock) return;
    if (this.arena.flags(slot) & SF.GUEST_CLOSED) {
      this.close(sock);
      return;
    }
    if (sock.kind === 'dgram') {
      this.flushDatagrams(sock);
      return;
    }
    this.refillReceive(sock);
    this.flushSend(sock);
    // The guest may have written directly after the peer's FIN (socket-fd.ts).
    if (this.arena.flags(slot) & SF.PEER_FIN) sock.stream?.watchForReset?.();
  }

  private refillReceive(sock: HostSocket): void {
    if (sock.overflow.length === 0) return;
    const moved = sock.rx.writeQueued(sock.overflow);
    if (sock.overflow.length === 0) {
      this.arena.clearFlags(sock.slot, SF.RX_PAUSED);
      if (sock.eofPending) this.arena.setFlags(sock.slot, SF.RX_EOF);
      else sock.stream?.resume();
    }
    if (moved) wakeGuest(this.arena);
  }

  /**
   * Moves the send ring into the stream until the transport pushes back, or
   * entirely with `force` (close and exit: the transport queues it all).
   */
  private flushSend(sock: HostSocket, force = false): void {
    const stream = sock.stream;
    if (stream && (!sock.waitingDrain || force)) {
      for (;;) {
        const n = sock.tx.used();
        if (n === 0) break;
        const chunk = new Uint8Array(n);
        sock.tx.peek(0, chunk);
        // Before the ring reads empty: the guest must not write directly
        // while these bytes are still on their way (bridge/direct-send.ts).
        this.arena.setFlags(sock.slot, SF.TX_QUEUED);
        sock.tx.release(n);
        // Wake a writer blocked on a full ring before the write system call,
        // so it refills the ring while the kernel copies this chunk.
        wakeGuest(this.arena);
        if (!stream.write(chunk) && !force) {
          sock.waitingDrain = true;
          break;
        }
      }
      // Written through at once (the usual case on loopback).
      if (stream.buffered?.().writable === 0) this.markFlushed(sock);
    }
    if (sock.writeShut && sock.tx.used() === 0 && stream && !sock.closing) stream.end();
  }

  private bindDatagram(sock: HostSocket, at: SockAddr): Promise<DatagramSocket> {
    if (sock.udp) return Promise.resolve(sock.udp);
    if (!sock.udpBinding) {
      sock.udpBinding = this.backend
        .bindDatagram(at, { ipv6Only: sock.ipv6Only, reuseAddr: sock.reuseAddr }, (data, from) => this.onDatagram(sock, data, from))
        .then((udp) => {
          sock.udpBinding = undefined;
          if (!this.owns(sock)) {
            udp.close();
            throw new NetError(E.BADF);
          }
          sock.udp = udp;
          if (sock.broadcast) udp.setBroadcast(true);
          if (sock.ttl !== 64) udp.setTTL(sock.ttl);
          if (sock.multicastTtl !== 1) udp.setMulticastTTL?.(sock.multicastTtl);
          if (!sock.multicastLoop) udp.setMulticastLoopback?.(false);
          for (const key of sock.memberships) {
            const [group, iface] = key.split('|');
            try {
              udp.addMembership?.(group!, iface || undefined);
            } catch {
              // Refused now (no such interface): as a failed join, nothing joined.
            }
          }
          this.flushDatagrams(sock);
          return udp;
        }, (err) => {
          sock.udpBinding = undefined;
          throw err;
        });
    }
    return sock.udpBinding;
  }

  private onDatagram(sock: HostSocket, data: Uint8Array, from: SockAddr): void {
    if (sock.closing || sock.readShut || !this.owns(sock)) return;
    if (sock.peer && (sock.peer.port !== from.port || sock.peer.ip !== from.ip)) return;
    if (sock.rx.free() < DGRAM_HEADER_BYTES + data.length) {
      // Like a full socket buffer in a kernel: the datagram is dropped.
      Atomics.add(this.arena.words, this.arena.slotWord(sock.slot, S.RX_DROPS), 1);
      return;
    }
    sock.rx.stage(0, encodeDatagramHeader(data.length, from));
    sock.rx.stage(DGRAM_HEADER_BYTES, data);
    sock.rx.commit(DGRAM_HEADER_BYTES + data.length);
    wakeGuest(this.arena);
  }

  /** Sends every complete datagram record in the send ring. */
  private flushDatagrams(sock: HostSocket): void {
    if (!sock.udp) {
      if (sock.tx.used() > 0 && !sock.udpBinding && !sock.closing) {
        void this.bindDatagram(sock, { family: sock.family, ip: sock.anyAddr, port: 0 }).catch(() => {});
      }
      return;
    }
    const header = new Uint8Array(DGRAM_HEADER_BYTES);
    let sent = false;
    while (sock.tx.used() >= DGRAM_HEADER_BYTES) {
      sock.tx.peek(0, header);
      const { length, addr } = decodeDatagramHeader(header);
      const payload = new Uint8Array(length);
      sock.tx.peek(DGRAM_HEADER_BYTES, payload);
      sock.tx.release(DGRAM_HEADER_BYTES + length);
      sent = true;
      if (addr) sock.udp.send(payload, addr);
    }
    if (sent) wakeGuest(this.arena);
  }
}

