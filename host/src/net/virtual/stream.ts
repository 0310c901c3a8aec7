// A TCP connection on the virtual network: two Stream ends joined by two
// pipes, one per direction. Everything a writer does reaches the reader
// later, in a microtask, never inside the call itself:
//   - write() copies the bytes into the pipe and returns false once the pipe
//     holds `highWater` bytes or more; `drain` follows when the reader has
//     taken everything;
//   - pause() holds delivery to that end (data and FIN) until resume(), and
//     the writer feels it as a pipe that stops emptying;
//   - end() queues FIN behind the bytes already written;
//   - destroy() is an abortive close: the other end gets what was already
//     written to it and it can take now (a kernel keeps what reached the
//     receive queue), then error(ECONNRESET) (unless both ends had already
//     closed); the rest is dropped.

import type { SockAddr } from '../addr.js';
import type { Stream, StreamHandlers } from '../backend.js';
import { E } from '../../abi/errno.js';

/** Bytes written and not yet delivered, per direction, past which write() returns false. */
export const DEFAULT_HIGH_WATER = 64 * 1024;

/** Largest single `data` delivery when several writes are waiting. */
const MAX_DELIVERY = 64 * 1024;

/** One direction: bytes one end wrote that the other has not been given yet. */
class Pipe {
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** Bytes waiting. */
  queued = 0;
  /** The writer called end(): FIN goes after the waiting bytes. */
  fin = false;
  finDelivered = false;
  /** write() returned false and the writer waits for `drain`. */
  drainOwed = false;

  get empty(): boolean {
    return this.queued === 0;
  }

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.queued += chunk.length;
  }

  /** The next delivery: one waiting chunk, or several small ones joined. */
  take(): Uint8Array {
    const first = this.chunks[this.head]!;
    let end = this.head + 1;
    let total = first.length;
    while (end < this.chunks.length && total + this.chunks[end]!.length <= MAX_DELIVERY) total += this.chunks[end++]!.length;
    let out: Uint8Array;
    if (end === this.head + 1) {
      out = first;
    } else {
      out = new Uint8Array(total);
      let at = 0;
      for (let i = this.head; i < end; i++) {
        out.set(this.chunks[i]!, at);
        at += this.chunks[i]!.length;
      }
    }
    for (let i = this.head; i < end; i++) this.chunks[i] = undefined as unknown as Uint8Array;
    this.head = end;
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    this.queued -= total;
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
  }
}

/** One end of a connection. */
export class VirtualStream implements Stream {
  /** The other end; set by the Connection. */
  peer!: VirtualStream;
  /** Bytes on their way to this end. */
  readonly inbound = new Pipe();
  /** This end sent FIN. */
  ended = false;
  /** This end was destroyed (closed abortively); it gets no more callbacks. */
  destroyed = false;
  private handlers: StreamHandlers | null = null;
  private paused = false;
  /** The peer reset the connection and this end has not been told yet. */
  private resetOwed = false;
  /** This end was told of a reset: nothing more is delivered to it. */
  private failed = false;
  private pumpScheduled = false;
  private readonly done: Promise<void>;
  private markDone!: () => void;

  constructor(
    readonly local: SockAddr,
    readonly remote: SockAddr,
    private readonly connection: Connection,
    private readonly highWater: number,
  ) {
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  attach(handlers: StreamHandlers): void {
    this.handlers = handlers;
    this.schedulePump();
  }

  write(data: Uint8Array): boolean {
    if (this.destroyed || this.ended || this.peer.destroyed || this.connection.closed) return true;
    const pipe = this.peer.inbound;
    if (data.length === 0) return pipe.queued < this.highWater;
    pipe.push(data.slice());
    this.peer.schedulePump();
    if (pipe.queued < this.highWater) return true;
    pipe.drainOwed = true;
    return false;
  }

  end(): void {
    if (this.destroyed || this.ended) return;
    this.ended = true;
    // Written bytes live in the pipe, not in this end: once FIN is queued
    // nothing of this end's is left to hand over.
    this.markDone();
    if (!this.peer.destroyed) {
      this.peer.inbound.fin = true;
      this.peer.schedulePump();
    }
    this.connection.update();
  }

  /** Settles at end(), destroy() or a reset from the peer: the network holds whatever was written. */
  finished(): Promise<void> {
    return this.done;
  }

  destroy(): void {
    if (this.destroyed) return;
    const wasOpen = !this.connection.closed;
    this.destroyed = true;
    this.markDone();
    this.handlers = null;
    this.inbound.clear();
    if (wasOpen && !this.peer.destroyed) {
      this.peer.resetOwed = true;
      this.peer.markDone();
      this.peer.schedulePump();
    }
    this.connection.update();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedulePump();
  }

  setNoDelay(_on: boolean): void {
    // Nothing is ever delayed here.
  }

  setKeepAlive(_on: boolean, _idleSeconds?: number): void {
    // A virtual peer never silently disappears.
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => this.pump());
  }

  /** Delivers what this end may be given now: data then FIN, or a reset; then the writer's drain. */
  private pump(): void {
    this.pumpScheduled = false;
    const pipe = this.inbound;
    // Each callback may pause, destroy or reset this end: look again every time.
    while (!pipe.empty && !this.paused && this.deliverable()) this.handlers!.data(pipe.take());
    if (!this.deliverable()) return;
    if (this.resetOwed) {
      this.resetOwed = false;
      pipe.clear();
      this.failed = true;
      this.handlers!.error(E.CONNRESET);
      return;
    }
    if (pipe.empty && pipe.fin && !pipe.finDelivered && !this.paused) {
      pipe.finDelivered = true;
      this.handlers!.end();
    }
    const writer = this.peer;
    if (pipe.drainOwed && pipe.empty && !writer.destroyed && !writer.failed && writer.handlers !== null) {
      pipe.drainOwed = false;
      writer.handlers.drain();
    }
  }

  private deliverable(): boolean {
    return this.handlers !== null && !this.destroyed && !this.failed;
  }
}

/**
 * The two ends of one connection. It is *closed* once both ends sent FIN or
 * either was destroyed; then `onClosed` runs once (the network frees the
 * ports), while bytes already in flight are still delivered.
 */
export class Connection {
  readonly client: VirtualStream;
  readonly server: VirtualStream;
  closed = false;

  constructor(
    ends: { client: { local: SockAddr; remote: SockAddr }; server: { local: SockAddr; remote: SockAddr } },
    highWater: number,
    private readonly onClosed: () => void,
  ) {
    this.client = new VirtualStream(ends.client.local, ends.client.remote, this, highWater);
    this.server = new VirtualStream(ends.server.local, ends.server.remote, this, highWater);
    this.client.peer = this.server;
    this.server.peer = this.client;
  }

  /** Called when an end sends FIN or is destroyed. */
  update(): void {
    if (this.closed) return;
    const { client, server } = this;
    if (client.destroyed || server.destroyed || (client.ended && server.ended)) {
      this.closed = true;
      this.onClosed();
    }
  }
}
