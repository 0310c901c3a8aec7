// Feeds bytes into arena slot 0, the guest's stdin, from any source: the
// host's stdin in Node (io/stdin-readable.ts) or a terminal in the browser.
// The ring is bounded; what does not fit waits here and the source is asked
// to pause, so a guest that reads slowly keeps memory bounded and one that
// never reads stdin costs nothing.

import { type Arena, SF, STDIN_SLOT } from '../bridge/arena.js';
import { Ring } from '../bridge/ring.js';
import { wakeGuest } from '../bridge/signals.js';

/** How the feed pushes back on a source that can be paused (optional). */
export interface StdinFlow {
  pause(): void;
  resume(): void;
}

export class StdinFeed {
  private readonly ring: Ring;
  /** Bytes that did not fit in the ring yet, oldest first. */
  private readonly pending: Uint8Array[] = [];
  private ended = false;
  private stopped = false;

  constructor(private readonly arena: Arena, private readonly flow: StdinFlow | null = null) {
    this.ring = new Ring(arena, STDIN_SLOT, 'rx');
  }

  /** Queues bytes for the guest. The feed keeps its own copy only of what does not fit. */
  push(bytes: Uint8Array): void {
    if (this.ended || this.stopped || bytes.length === 0) return;
    if (this.pending.length === 0) {
      const n = this.ring.write(bytes);
      if (n > 0) wakeGuest(this.arena);
      if (n === bytes.length) return;
      bytes = bytes.subarray(n);
    }
    const wasFlowing = this.pending.length === 0;
    this.pending.push(bytes.slice());
    if (wasFlowing) {
      // The guest wakes the I/O thread (SocketHost → drained()) when it
      // consumes from a ring marked paused.
      this.arena.setFlags(STDIN_SLOT, SF.RX_PAUSED);
      this.flow?.pause();
    }
  }

  /** End of input (EOF, Ctrl-D): after what is queued, reads return 0. */
  end(): void {
    if (this.ended || this.stopped) return;
    this.ended = true;
    this.finishIfDrained();
  }

  /** The guest consumed from a paused ring: move queued bytes in. */
  drained(): void {
    if (this.pending.length === 0) return;
    const moved = this.ring.writeQueued(this.pending);
    if (this.pending.length === 0) {
      this.arena.clearFlags(STDIN_SLOT, SF.RX_PAUSED);
      if (!this.ended) this.flow?.resume();
    }
    if (moved) wakeGuest(this.arena);
    this.finishIfDrained();
  }

  /** The guest is gone: drop queued input and accept no more. */
  stop(): void {
    this.stopped = true;
    this.pending.length = 0;
  }

  /** Bytes waiting outside the ring (for tests and diagnostics). */
  get queued(): number {
    return this.pending.reduce((total, chunk) => total + chunk.length, 0);
  }

  private finishIfDrained(): void {
    if (this.ended && this.pending.length === 0) {
      this.arena.setFlags(STDIN_SLOT, SF.RX_EOF);
      wakeGuest(this.arena);
    }
  }
}
