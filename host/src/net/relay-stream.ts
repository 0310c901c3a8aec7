// A TCP stream carried by the relay, as the page sees it. Flow control is
// the protocol's credit window: the page sends at most the credit the relay
// gave it (the rest waits here and write() says "wait for drain"), and it
// gives credit back only for bytes its owner has taken, so pause() makes the
// relay stop reading the real socket. No Node API: runs in browsers too.

import type { SockAddr } from './addr.js';
import type { Stream, StreamHandlers } from './backend.js';
import { E } from '../abi/errno.js';
import { clientFrames } from '../relay/messages.js';
import { SOCKOPT } from '../relay/protocol.js';

/** What a stream needs from its backend. */
export interface StreamLink {
  send(frame: Uint8Array<ArrayBuffer>): void;
  /** Sends one DATA frame whose payload is `parts` (`length` bytes) joined. */
  sendData(id: number, parts: readonly Uint8Array[], length: number): void;
  /** The id is free again (after RESET sent, or CLOSE/RESET received). */
  forget(id: number): void;
}

type Inbound = Uint8Array | 'end';

export class RelayStream implements Stream {
  private handlers: StreamHandlers | null = null;
  // relay → page
  private readonly inbox: Inbound[] = [];
  private paused = false;
  private unreturned = 0;
  private pendingError = 0;
  // page → relay
  private credit: number;
  private readonly outbox: Uint8Array[] = [];
  private outBytes = 0;
  private endWanted = false;
  private endSent = false;
  /** The owner closed the socket: END goes with CLOSED and frees the id. */
  private closeWanted = false;
  private needDrain = false;
  /** The id is gone: nothing more is sent or delivered except a failure. */
  private over = false;
  /** An error was (or will be) reported to the owner. */
  private failed = false;

  private readonly done: Promise<void>;
  private markDone!: () => void;

  constructor(
    readonly id: number,
    readonly local: SockAddr,
    readonly remote: SockAddr,
    private readonly link: StreamLink,
    private readonly window: number,
    /** Largest DATA payload to send. */
    private readonly chunk: number,
  ) {
    this.credit = window;
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  // --- Stream ------------------------------------------------------------

  attach(handlers: StreamHandlers): void {
    this.handlers = handlers;
    this.deliver();
  }

  write(data: Uint8Array): boolean {
    if (this.over) {
      // Like writing to a connection that has closed; after a failure the
      // owner already has its error.
      if (!this.failed) {
        this.failed = true;
        queueMicrotask(() => this.handlers?.error(E.PIPE));
      }
      return true;
    }
    if (this.endWanted || data.length === 0) return true;
    this.outbox.push(data);
    this.outBytes += data.length;
    this.flushOut();
    if (this.outBytes === 0) return true;
    this.needDrain = true;
    return false;
  }

  end(): void {
    if (this.over || this.endWanted) return;
    this.endWanted = true;
    this.flushOut();
  }

  close(): void {
    if (this.over) return;
    this.endWanted = true;
    this.closeWanted = true;
    this.flushOut();
  }

  /** Settles when END has gone to the relay after every queued byte, or the stream is over. */
  finished(): Promise<void> {
    return this.done;
  }

  destroy(): void {
    if (this.over) return;
    this.over = true;
    // The owner gave the stream up: it hears nothing more from it.
    this.failed = true;
    this.link.send(clientFrames.reset(this.id));
    this.link.forget(this.id);
    this.markDone();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.deliver();
  }

  setNoDelay(on: boolean): void {
    if (!this.over) this.link.send(clientFrames.setopt(this.id, SOCKOPT.NODELAY, on ? 1 : 0));
  }

  /** The relay protocol carries SO_KEEPALIVE only: TCP_KEEPIDLE is stored by the host and read back, not applied. */
  setKeepAlive(on: boolean, _idleSeconds?: number): void {
    if (!this.over) this.link.send(clientFrames.setopt(this.id, SOCKOPT.KEEPALIVE, on ? 1 : 0));
  }

  // --- frames from the relay ----------------------------------------------

  received(data: Uint8Array): void {
    if (this.over) return;
    this.inbox.push(data);
    this.deliver();
  }

  peerEnded(): void {
    if (this.over) return;
    this.inbox.push('end');
    this.deliver();
  }

  granted(bytes: number): void {
    if (this.over) return;
    this.credit += bytes;
    this.flushOut();
  }

  /** CLOSE from the relay: both directions are finished. */
  closed(): void {
    this.over = true;
    this.link.forget(this.id);
    this.markDone();
  }

  /** RESET from the relay, an ERROR for this stream, or the relay is gone. */
  fail(errno: number): void {
    if (this.failed) return;
    this.failed = true;
    const wasOver = this.over;
    this.over = true;
    if (!wasOver) this.link.forget(this.id);
    // A reset discards what was not read yet, as it does natively.
    this.inbox.length = 0;
    this.outbox.length = 0;
    this.outBytes = 0;
    this.markDone();
    if (this.handlers) this.handlers.error(errno);
    else this.pendingError = errno;
  }

  // --- internals -------------------------------------------------------------

  private deliver(): void {
    const h = this.handlers;
    if (!h) return;
    if (this.pendingError) {
      const errno = this.pendingError;
      this.pendingError = 0;
      h.error(errno);
      return;
    }
    while (!this.paused && this.inbox.length > 0) {
      const next = this.inbox.shift()!;
      if (next === 'end') {
        h.end();
        continue;
      }
      h.data(next);
      this.giveBack(next.length);
    }
  }

  /** The first `n` queued bytes, as views of the queued writes. */
  private take(n: number): Uint8Array[] {
    const parts: Uint8Array[] = [];
    while (n > 0) {
      const first = this.outbox[0]!;
      if (first.length <= n) {
        parts.push(first);
        this.outbox.shift();
        n -= first.length;
      } else {
        parts.push(first.subarray(0, n));
        this.outbox[0] = first.subarray(n);
        n = 0;
      }
    }
    return parts;
  }

  /** Credit back to the relay in batches of a quarter window. */
  private giveBack(bytes: number): void {
    this.unreturned += bytes;
    if (this.over || this.unreturned < this.window / 4) return;
    this.link.send(clientFrames.credit(this.id, this.unreturned));
    this.unreturned = 0;
  }

  private flushOut(): void {
    // Each frame takes as much as the credit and the frame size allow, across
    // queued writes: per-frame costs (a WebSocket message, a CREDIT back)
    // are paid per frame, not per write.
    while (this.outBytes > 0 && this.credit > 0 && !this.over) {
      const n = Math.min(this.outBytes, this.credit, this.chunk);
      this.link.sendData(this.id, this.take(n), n);
      this.credit -= n;
      this.outBytes -= n;
    }
    if (this.over || this.outBytes > 0) return;
    if (this.closeWanted) {
      // Credit back every byte the owner took, so that what the relay still
      // counts as uncredited is what was never read: in flight, or waiting
      // here. Closing with that unread resets, as natively (section 6.2).
      if (this.unreturned > 0) this.link.send(clientFrames.credit(this.id, this.unreturned));
      this.unreturned = 0;
      // The id is free once sent; the owner hears nothing more.
      this.over = true;
      this.failed = true;
      this.link.send(clientFrames.end(this.id, true));
      this.link.forget(this.id);
      this.markDone();
      return;
    }
    if (this.endWanted && !this.endSent) {
      this.endSent = true;
      this.link.send(clientFrames.end(this.id));
      this.markDone();
    }
    if (this.needDrain) {
      this.needDrain = false;
      this.handlers?.drain();
    }
  }
}
