// Feeds a readable byte stream (the host's stdin) into arena slot 0, pausing
// the stream while the ring is full, so a guest that never reads stdin
// costs nothing and one that reads slowly keeps memory bounded.

import type { Readable } from 'node:stream';
import { type Arena, SF, STDIN_SLOT } from '../bridge/arena.js';
import { Ring } from '../bridge/ring.js';
import { wakeGuest } from '../bridge/signals.js';

export class StdinFeed {
  private readonly ring: Ring;
  private overflow: Uint8Array | null = null;
  private ended = false;
  private started = false;

  constructor(private readonly arena: Arena, private readonly input: Readable) {
    this.ring = new Ring(arena, STDIN_SLOT, 'rx');
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.input.on('data', (chunk: Buffer) => this.push(chunk));
    this.input.on('end', () => {
      this.ended = true;
      this.finishIfDrained();
    });
    this.input.on('error', () => {
      this.ended = true;
      this.finishIfDrained();
    });
  }

  /** The guest consumed from a paused ring. */
  drained(): void {
    if (!this.overflow) return;
    const rest = this.overflow;
    this.overflow = null;
    this.arena.clearFlags(STDIN_SLOT, SF.RX_PAUSED);
    this.push(rest);
    if (!this.overflow) {
      this.input.resume();
      this.finishIfDrained();
    }
  }

  stop(): void {
    this.input.pause();
    this.input.removeAllListeners('data');
    if ('unref' in this.input && typeof (this.input as { unref?: () => void }).unref === 'function') {
      (this.input as unknown as { unref(): void }).unref();
    }
  }

  private push(chunk: Uint8Array): void {
    const n = this.ring.write(chunk);
    if (n < chunk.length) {
      this.overflow = chunk.subarray(n);
      this.input.pause();
      this.arena.setFlags(STDIN_SLOT, SF.RX_PAUSED);
    }
    wakeGuest(this.arena);
  }

  private finishIfDrained(): void {
    if (this.ended && !this.overflow) {
      this.arena.setFlags(STDIN_SLOT, SF.RX_EOF);
      wakeGuest(this.arena);
    }
  }
}
