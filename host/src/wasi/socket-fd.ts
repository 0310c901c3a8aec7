// A socket as the guest sees it: a WASI fd (an Fd in browser_wasi_shim's
// table) backed by an arena slot. The blocking data calls live here: they
// copy between guest memory and the slot's rings, and sleep only when a ring
// is empty (receive) or full (send).

import { Fd, wasi as shimWasi } from '@bjorn3/browser_wasi_shim';
import type { Arena } from '../bridge/arena.js';
import { S, SF } from '../bridge/arena.js';
import { Ring } from '../bridge/ring.js';
import { markDirty } from '../bridge/signals.js';
import { type DirectResult, type DirectWrite, sendDirect } from '../bridge/direct-send.js';
import type { ControlClient } from '../bridge/control.js';
import { E } from '../abi/errno.js';
import { FDFLAGS, FILETYPE, RIGHTS_SOCKET, RIFLAGS } from '../abi/wasi.js';
import type { SockType } from '../abi/sock.js';
import type { SockAddr } from '../net/addr.js';
import { DGRAM_HEADER_BYTES, encodeDatagramHeader } from '../io/datagram-record.js';
import { ACCEPT_RECORD_BYTES, type AcceptRecord, decodeAcceptRecord } from '../io/accept-record.js';
import { blockUntil, TIMED_OUT, timeoutMs } from './blocking.js';
import { GuestError, liveViews, totalLength } from './guest-memory.js';
import type { Activity } from './readiness.js';

/** The largest UDP payload over IPv4, as Linux enforces it. */
const MAX_DATAGRAM = 65507;

/** Result of a data call: bytes moved, or an errno. */
export interface IoResult {
  errno: number;
  n: number;
  truncated?: boolean;
  /** Datagram source as raw ABI addr bytes. */
  from?: Uint8Array;
}

export interface SocketOptions {
  reuseAddr: boolean;
  reusePort: boolean;
  keepAlive: boolean;
  noDelay: boolean;
  broadcast: boolean;
  ipv6Only: boolean;
  recvBufSize: number;
  sendBufSize: number;
  ttl: number;
  linger: { on: boolean; seconds: number };
  recvTimeoutUs: bigint;
  sendTimeoutUs: bigint;
  /** TCP_KEEPIDLE / TCP_KEEPINTVL, seconds. */
  keepIdle: number;
  keepIntvl: number;
  fastOpenConnect: boolean;
  quickAck: boolean;
  multicastTtl: number;
  multicastLoop: boolean;
  multicastLoop6: boolean;
  /** Joined multicast groups, "group|interface". */
  memberships: Set<string>;
}

export class SocketFd extends Fd {
  readonly rx: Ring;
  readonly tx: Ring;
  nonblocking = false;
  /** What the program passed to bind(), reported by getsockname (policy may have narrowed the real bind). */
  requestedBind: SockAddr | null = null;
  local: SockAddr | null = null;
  peer: SockAddr | null = null;
  /**
   * Just accepted: preview 1's sock_accept returns no address, so accept()
   * asks sock_addr_remote next, and gets the peer even if the connection
   * was already reset (as Linux's accept reports it), not ENOTCONN.
   */
  peerFromAccept = false;
  /** A non-blocking connect returned EINPROGRESS and no connect() since has seen its outcome. */
  connectInProgress = false;
  readonly options: SocketOptions;
  /**
   * A writer (or epoll) found no room to send: Linux's SOCK_NOSPACE. Room
   * coming back after that is an edge for epoll's EPOLLET|EPOLLOUT, counted
   * in `spaceEdges`; room that was never missed is not.
   */
  private spaceWanted = false;
  private spaceEdges = 0;

  constructor(
    readonly arena: Arena,
    readonly control: ControlClient,
    readonly slot: number,
    readonly type: SockType,
    readonly family: 4 | 6,
    /** The embedder's OS write, when the transport may lend descriptors (Node). */
    private readonly directWrite: DirectWrite | null = null,
  ) {
    super();
    this.rx = new Ring(arena, slot, 'rx');
    this.tx = new Ring(arena, slot, 'tx');
    // Linux's defaults, so getsockopt answers what a native program expects.
    this.options = {
      reuseAddr: false, reusePort: false, keepAlive: false, noDelay: false, broadcast: false,
      ipv6Only: false, recvBufSize: 131072, sendBufSize: 16384, ttl: 64,
      linger: { on: false, seconds: 0 }, recvTimeoutUs: 0n, sendTimeoutUs: 0n,
      keepIdle: 7200, keepIntvl: 75, fastOpenConnect: false, quickAck: true,
      multicastTtl: 1, multicastLoop: true, multicastLoop6: true, memberships: new Set(),
    };
  }

  // --- Fd interface (browser_wasi_shim) --------------------------------

  override fd_fdstat_get(): { ret: number; fdstat: shimWasi.Fdstat | null } {
    const fdstat = new shimWasi.Fdstat(this.type === 'stream' ? FILETYPE.SOCKET_STREAM : FILETYPE.SOCKET_DGRAM, this.nonblocking ? FDFLAGS.NONBLOCK : 0);
    fdstat.fs_rights_base = RIGHTS_SOCKET;
    fdstat.fs_rights_inherited = 0n;
    return { ret: 0, fdstat };
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.nonblocking = (flags & FDFLAGS.NONBLOCK) !== 0;
    return 0;
  }

  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    return { ret: 0, filestat: new shimWasi.Filestat(0n, this.type === 'stream' ? FILETYPE.SOCKET_STREAM : FILETYPE.SOCKET_DGRAM, 0n) };
  }

  /** wasi-libc scans fds from 3 for preopens and gives up only on BADF. */
  override fd_prestat_get(): { ret: number; prestat: shimWasi.Prestat | null } {
    return { ret: E.BADF, prestat: null };
  }

  /**
   * close() needs no answer (the fd is gone either way): the I/O thread
   * finds the flag with the slot's dirty bit, before any later request.
   */
  override fd_close(): number {
    this.arena.setFlags(this.slot, SF.GUEST_CLOSED);
    markDirty(this.arena, this.slot);
    return 0;
  }

  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: E.SPIPE, offset: 0n };
  }

  // --- state -----------------------------------------------------------

  flags(): number {
    return this.arena.flags(this.slot);
  }

  /**
   * A stream whose connection is over in both directions (our FIN sent and
   * theirs received, or reset): Linux's TCP_CLOSE state, in which
   * getpeername and shutdown fail with ENOTCONN.
   */
  connectionClosed(): boolean {
    const flags = this.flags();
    return this.type === 'stream' && ((flags & SF.TX_CLOSED && flags & SF.PEER_FIN) !== 0 || (flags & SF.HANGUP) !== 0);
  }

  /** Takes the pending error (SO_ERROR semantics: reading clears it). */
  takeError(): number {
    return Atomics.exchange(this.arena.words, this.arena.slotWord(this.slot, S.ERROR), 0);
  }

  pendingError(): number {
    return this.arena.load(this.slot, S.ERROR);
  }

  /** Connections waiting for accept(): the accept records in the receive ring. */
  acceptCount(): number {
    return Math.floor(this.rx.used() / ACCEPT_RECORD_BYTES);
  }

  /** accept(): takes the next accept record, waiting for one unless non-blocking; throws GuestError. */
  acceptBlocking(): AcceptRecord {
    const result = blockUntil(this.arena, this.nonblocking ? 0 : timeoutMs(this.options.recvTimeoutUs), (): AcceptRecord | number | undefined => {
      if (this.acceptCount() > 0) {
        const bytes = new Uint8Array(ACCEPT_RECORD_BYTES);
        this.rx.read(bytes);
        return decodeAcceptRecord(bytes);
      }
      // The listener failed (its network is gone) or stopped: report that, don't wait.
      if (this.pendingError() !== 0) return this.takeError();
      if (!(this.flags() & SF.LISTENING)) return E.INVAL;
      return undefined;
    });
    if (result === TIMED_OUT) throw new GuestError(E.AGAIN);
    if (typeof result === 'number') throw new GuestError(result);
    return result;
  }

  // --- stream data -------------------------------------------------------

  recvStream(dsts: Uint8Array[], riflags: number, nonblocking: boolean): IoResult {
    const total = totalLength(dsts);
    const peek = (riflags & RIFLAGS.RECV_PEEK) !== 0;
    const waitAll = (riflags & RIFLAGS.RECV_WAITALL) !== 0 && !peek;
    if (this.flags() & SF.LISTENING) return { errno: E.NOTCONN, n: 0 };
    if (total === 0) return { errno: 0, n: 0 };
    let copied = 0;
    return blockUntil(this.arena, nonblocking ? 0 : timeoutMs(this.options.recvTimeoutUs), (): IoResult | undefined => {
      liveViews(dsts);
      const available = this.rx.used();
      if (available > 0) {
        const n = peek ? this.peekInto(dsts, available) : this.readInto(dsts, copied, available);
        if (peek) return { errno: 0, n };
        copied += n;
        if (this.flags() & SF.RX_PAUSED) markDirty(this.arena, this.slot);
        if (!waitAll || copied === total) return { errno: 0, n: copied };
        // MSG_WAITALL and still short: look at EOF and errors below, which
        // may have arrived with these bytes (no later wake-up announces them).
      }
      const flags = this.flags();
      // Ring empty while the I/O thread holds back data: ask it to refill.
      // Those bytes, and bytes that landed after `available` was read, come
      // before the EOF or error flagged with them (their wake-up makes
      // blockUntil look again).
      if (flags & SF.RX_PAUSED) {
        markDirty(this.arena, this.slot);
        return undefined;
      }
      if (this.rx.used() > 0) return undefined;
      // Order as in Linux's tcp_recvmsg: data, then EOF from the peer's FIN,
      // then a pending error (reported once), then EOF from our own
      // SHUT_RD or a dead connection.
      if (flags & SF.RX_EOF && flags & SF.PEER_FIN) return { errno: 0, n: copied };
      if (this.pendingError() !== 0) {
        if (copied > 0) return { errno: 0, n: copied };
        return { errno: this.takeError(), n: 0 };
      }
      if (flags & (SF.RX_EOF | SF.HANGUP)) return { errno: 0, n: copied };
      if (!(flags & (SF.CONNECTED | SF.CONNECTING))) return { errno: E.NOTCONN, n: 0 };
      return undefined;
    }, (): IoResult => (copied > 0 ? { errno: 0, n: copied } : { errno: E.AGAIN, n: 0 }));
  }

  sendStream(srcs: Uint8Array[], nonblocking: boolean): IoResult {
    const total = totalLength(srcs);
    // Nothing changes before blockUntil (the first check below reports an
    // error a send fails with at once): JSPI mode may run this again from
    // the top once the wait is over (jspi/replay.ts).
    if (total === 0) return { errno: this.sendError(), n: 0 };
    // The cursor: bytes sent so far, and where the rest starts (chunk
    // `index`, `offset` bytes in; exhausted and empty chunks are skipped).
    let written = 0;
    let index = 0;
    let offset = 0;
    const consume = (n: number) => {
      written += n;
      offset += n;
      while (index < srcs.length && offset >= srcs[index].length) {
        offset -= srcs[index].length;
        index++;
      }
    };
    consume(0);
    return blockUntil(this.arena, nonblocking ? 0 : timeoutMs(this.options.sendTimeoutUs), (): IoResult | undefined => {
      liveViews(srcs);
      // A short send reports its count and leaves the error (still pending,
      // not taken) for the next call, as natively.
      if (written > 0 && (this.pendingError() !== 0 || this.flags() & SF.TX_CLOSED)) return { errno: 0, n: written };
      const errno = this.sendError();
      if (errno !== 0) return { errno, n: 0 };
      const direct = this.trySendDirect(srcs, index, offset);
      if (direct?.errno !== undefined) {
        // The kernel reported the connection's error to this write (and
        // only once): later sends fail with EPIPE, reads see the end.
        this.arena.setFlags(this.slot, SF.TX_FAILED | SF.TX_CLOSED);
        if (written === 0) return { errno: direct.errno, n: 0 };
        this.arena.store(this.slot, S.ERROR, direct.errno);
        return { errno: 0, n: written };
      }
      if (direct) {
        consume(direct.n);
        // Written after the peer's FIN: the I/O thread watches for the
        // reset a closed peer answers with (it saw nothing go by).
        if (direct.n > 0 && this.flags() & SF.PEER_FIN) markDirty(this.arena, this.slot);
      }
      let progressed = false;
      while (index < srcs.length) {
        const n = this.tx.write(offset === 0 ? srcs[index] : srcs[index].subarray(offset));
        if (n === 0) break;
        consume(n);
        progressed = true;
      }
      if (progressed) markDirty(this.arena, this.slot);
      if (written === total) return { errno: 0, n: written };
      this.noteNoSpace();
      return undefined;
    }, (): IoResult => (written > 0 ? { errno: 0, n: written } : { errno: E.AGAIN, n: 0 }));
  }

  /**
   * The direct send path (bridge/direct-send.ts) for the chunks from
   * `index`/`offset` on, when nothing is ahead of them in the send ring;
   * null when the ring must carry them.
   */
  private trySendDirect(srcs: Uint8Array[], index: number, offset: number): DirectResult {
    if (!this.directWrite || this.tx.used() !== 0) return null;
    const rest = offset === 0 ? srcs.slice(index) : [srcs[index].subarray(offset), ...srcs.slice(index + 1)];
    const direct = sendDirect(this.arena, this.slot, rest, this.directWrite);
    // EPIPE: the kernel's one report of the reset already went to the I/O
    // thread's read, which is about to pass it on as the pending error. The
    // ring path waits for that, so this send reports the reset (ECONNRESET)
    // first and EPIPE only after, as natively.
    // But when the peer's FIN had already ended reading, the I/O thread
    // reads no more and never sees the reset: this EPIPE is the answer, as
    // natively (a write after the peer closed and reset the connection).
    if (direct?.errno === E.PIPE && !(this.flags() & SF.PEER_FIN)) return null;
    return direct;
  }

  /** The error a send would fail with now, if any (pending error first, then EPIPE). */
  private sendError(): number {
    const pending = this.takeError();
    if (pending !== 0) return pending;
    const flags = this.flags();
    if (flags & SF.TX_CLOSED) return E.PIPE;
    // Linux's tcp_sendmsg on a socket that is not connecting: EPIPE, not ENOTCONN.
    if (!(flags & SF.CONNECTED)) return flags & SF.CONNECTING ? E.AGAIN : E.PIPE;
    return 0;
  }

  private readInto(dsts: Uint8Array[], skip: number, available: number): number {
    let n = 0;
    let position = 0;
    for (const dst of dsts) {
      if (n === available) break;
      if (position + dst.length <= skip) {
        position += dst.length;
        continue;
      }
      const from = Math.max(0, skip - position);
      const take = Math.min(dst.length - from, available - n);
      this.rx.read(dst.subarray(from, from + take));
      n += take;
      position += dst.length;
    }
    return n;
  }

  private peekInto(dsts: Uint8Array[], available: number): number {
    let n = 0;
    for (const dst of dsts) {
      const take = Math.min(dst.length, available - n);
      if (take === 0) break;
      this.rx.peek(n, dst.subarray(0, take));
      n += take;
    }
    return n;
  }

  // --- datagrams ---------------------------------------------------------

  sendDatagram(srcs: Uint8Array[], to: SockAddr, nonblocking: boolean): IoResult {
    const total = totalLength(srcs);
    if (total > MAX_DATAGRAM || DGRAM_HEADER_BYTES + total > this.tx.capacity) return { errno: E.MSGSIZE, n: 0 };
    const need = DGRAM_HEADER_BYTES + total;
    const result = blockUntil(this.arena, nonblocking ? 0 : timeoutMs(this.options.sendTimeoutUs), (): IoResult | undefined => {
      if (this.tx.free() < need) {
        this.noteNoSpace();
        return undefined;
      }
      liveViews(srcs);
      this.tx.stage(0, encodeDatagramHeader(total, to));
      let offset = DGRAM_HEADER_BYTES;
      for (const src of srcs) {
        this.tx.stage(offset, src);
        offset += src.length;
      }
      this.tx.commit(need);
      markDirty(this.arena, this.slot);
      return { errno: 0, n: total };
    });
    return result === TIMED_OUT ? { errno: E.AGAIN, n: 0 } : result;
  }

  /** Receives one datagram; `from` is the sender as raw ABI addr bytes. */
  recvDatagram(dsts: Uint8Array[], riflags: number, nonblocking: boolean): IoResult {
    const peek = (riflags & RIFLAGS.RECV_PEEK) !== 0;
    const result = blockUntil(this.arena, nonblocking ? 0 : timeoutMs(this.options.recvTimeoutUs), (): IoResult | undefined => {
      if (this.rx.used() < DGRAM_HEADER_BYTES) {
        if (this.pendingError() !== 0) return { errno: this.takeError(), n: 0 };
        return this.flags() & SF.RX_EOF ? { errno: 0, n: 0 } : undefined;
      }
      const header = new Uint8Array(DGRAM_HEADER_BYTES);
      this.rx.peek(0, header);
      const length = new DataView(header.buffer).getUint32(0, true);
      let n = 0;
      for (const dst of liveViews(dsts)) {
        const take = Math.min(dst.length, length - n);
        if (take === 0) break;
        this.rx.peek(DGRAM_HEADER_BYTES + n, dst.subarray(0, take));
        n += take;
      }
      if (!peek) this.rx.release(DGRAM_HEADER_BYTES + length);
      return { errno: 0, n, truncated: n < length, from: header.subarray(4) };
    });
    return result === TIMED_OUT ? { errno: E.AGAIN, n: 0 } : result;
  }

  // --- readiness (poll) --------------------------------------------------

  /** Bytes readable now, or -1 when not readable. Hang-up and errors count as readable. */
  readable(): { ready: boolean; nbytes: number; hangup: boolean } {
    const flags = this.flags();
    if (flags & SF.LISTENING) return { ready: this.acceptCount() > 0, nbytes: this.acceptCount(), hangup: false };
    const used = this.rx.used();
    if (flags & SF.RX_PAUSED && used === 0) markDirty(this.arena, this.slot);
    const hangup = (flags & SF.HANGUP) !== 0 || ((flags & SF.RX_EOF) !== 0 && (flags & SF.TX_CLOSED) !== 0);
    if (used > 0) return { ready: true, nbytes: used, hangup };
    const ended = (flags & (SF.RX_EOF | SF.HANGUP)) !== 0 || this.pendingError() !== 0;
    if (this.type === 'stream' && !(flags & (SF.CONNECTED | SF.CONNECTING))) return { ready: true, nbytes: 0, hangup: true };
    return { ready: ended, nbytes: 0, hangup };
  }

  writable(): { ready: boolean; nbytes: number; hangup: boolean } {
    const flags = this.flags();
    if (this.type === 'dgram') return { ready: this.tx.free() > DGRAM_HEADER_BYTES, nbytes: this.tx.free(), hangup: false };
    if (flags & SF.CONNECTING) return { ready: false, nbytes: 0, hangup: false };
    if (flags & (SF.TX_CLOSED | SF.HANGUP) || this.pendingError() !== 0) return { ready: true, nbytes: 0, hangup: (flags & SF.HANGUP) !== 0 };
    if (!(flags & SF.CONNECTED)) return { ready: !(flags & SF.LISTENING), nbytes: 0, hangup: true };
    return { ready: this.tx.free() > 0, nbytes: this.tx.free(), hangup: false };
  }

  // --- activity (epoll's edges, wasi/readiness.ts) -----------------------

  noteNoSpace(): void {
    this.spaceWanted = true;
  }

  /**
   * rx: bytes (or accept records) ever put in the receive ring, which the
   * ring's free-running tail counts; tx: room come back after it was
   * missed; state: the connection's flags and pending error.
   */
  activity(): Activity {
    if (this.spaceWanted && this.writable().ready) {
      this.spaceWanted = false;
      this.spaceEdges++;
    }
    const state = (this.flags() & STATE_FLAGS) | (this.pendingError() << 16);
    return { rx: this.rx.tail(), tx: this.spaceEdges, state };
  }
}

/** The flags whose change is news to every epoll registration (Linux's sk_state_change). */
const STATE_FLAGS = SF.RX_EOF | SF.TX_CLOSED | SF.CONNECTED | SF.CONNECTING | SF.LISTENING | SF.HANGUP | SF.PEER_FIN;
