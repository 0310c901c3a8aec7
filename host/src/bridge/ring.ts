// A single-producer single-consumer byte ring inside the arena. Positions are
// free-running uint32 byte counters (head = consumed, tail = produced), so
// `tail - head` is the fill level without a separate "full" flag. Each side
// writes only its own counter, with Atomics.store after copying the bytes, so
// the other side never sees a position ahead of the data.

import { type Arena, S } from './arena.js';

export class Ring {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly headIndex: number;
  private readonly tailIndex: number;
  private readonly base: number;
  readonly capacity: number;
  private readonly mask: number;

  constructor(arena: Arena, slot: number, direction: 'rx' | 'tx') {
    this.words = arena.words;
    const view = arena.ringView(slot, direction);
    this.bytes = view.bytes;
    this.headIndex = arena.slotWord(slot, direction === 'rx' ? S.RX_HEAD : S.TX_HEAD);
    this.tailIndex = arena.slotWord(slot, direction === 'rx' ? S.RX_TAIL : S.TX_TAIL);
    this.base = view.base;
    this.capacity = arena.ringBytes;
    this.mask = arena.ringBytes - 1;
  }

  head(): number {
    return Atomics.load(this.words, this.headIndex) >>> 0;
  }

  tail(): number {
    return Atomics.load(this.words, this.tailIndex) >>> 0;
  }

  /** Bytes written and not yet consumed. */
  used(): number {
    return (this.tail() - this.head()) >>> 0;
  }

  free(): number {
    return this.capacity - this.used();
  }

  // --- producer side ---------------------------------------------------

  /** Copies `src` into the ring at `offset` bytes past the tail, without publishing. */
  stage(offset: number, src: Uint8Array): void {
    this.copyIn((this.tail() + offset) >>> 0, src);
  }

  /** Publishes `n` staged bytes to the consumer. */
  commit(n: number): void {
    Atomics.store(this.words, this.tailIndex, (this.tail() + n) | 0);
  }

  /** Copies as much of `src` as fits and publishes it; returns the count. */
  write(src: Uint8Array): number {
    const n = Math.min(src.length, this.free());
    if (n === 0) return 0;
    this.copyIn(this.tail(), n === src.length ? src : src.subarray(0, n));
    this.commit(n);
    return n;
  }

  /**
   * Moves queued chunks into the ring, oldest first, until it is full:
   * chunks that went in whole leave `queue`, a partly written one stays as
   * its remainder. Returns whether any byte moved. (The producer's overflow
   * while the ring was full: a paused socket's data, stdin's input.)
   */
  writeQueued(queue: Uint8Array[]): boolean {
    let moved = false;
    while (queue.length > 0) {
      const chunk = queue[0];
      const n = this.write(chunk);
      if (n > 0) moved = true;
      if (n < chunk.length) {
        queue[0] = chunk.subarray(n);
        break;
      }
      queue.shift();
    }
    return moved;
  }

  // --- consumer side ---------------------------------------------------

  /** Copies bytes starting `offset` past the head into `dst`, without consuming. */
  peek(offset: number, dst: Uint8Array): void {
    this.copyOut((this.head() + offset) >>> 0, dst);
  }

  /**
   * Consumer's counter moved by the producer: empties the ring. Only for
   * when the consumer is known not to be reading it (it is waiting for a
   * reply from the producer's thread).
   */
  discard(): void {
    Atomics.store(this.words, this.headIndex, Atomics.load(this.words, this.tailIndex));
  }

  /** Marks `n` bytes consumed. */
  release(n: number): void {
    Atomics.store(this.words, this.headIndex, (this.head() + n) | 0);
  }

  /** Copies up to dst.length bytes out and consumes them; returns the count. */
  read(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.used());
    if (n === 0) return 0;
    this.copyOut(this.head(), n === dst.length ? dst : dst.subarray(0, n));
    this.release(n);
    return n;
  }

  /** Resets both counters (the slot is being reused). */
  clear(): void {
    Atomics.store(this.words, this.headIndex, 0);
    Atomics.store(this.words, this.tailIndex, 0);
  }

  private copyIn(position: number, src: Uint8Array): void {
    const start = position & this.mask;
    const first = Math.min(src.length, this.capacity - start);
    this.bytes.set(first === src.length ? src : src.subarray(0, first), this.base + start);
    if (first < src.length) this.bytes.set(src.subarray(first), this.base);
  }

  private copyOut(position: number, dst: Uint8Array): void {
    const start = position & this.mask;
    const first = Math.min(dst.length, this.capacity - start);
    dst.set(this.bytes.subarray(this.base + start, this.base + start + first));
    if (first < dst.length) dst.set(this.bytes.subarray(this.base, this.base + dst.length - first), first);
  }
}
