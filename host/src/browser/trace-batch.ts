// Trace events leave the guest worker in batches: one message per
// MAX_DELAY_MS or MAX_EVENTS, not one per call, because each message is a
// task on the page's main thread, which is also every guest's I/O thread.
//
// The guest runs synchronously, so no timer can fire in its worker: a batch
// is sent when an event finds it old or full, when the guest ends (flush()),
// and when the guest sleeps (Atomics.wait: in a blocking call, or waiting
// for a control reply). A sleep must not hold events back for longer than
// MAX_DELAY_MS — `listen` is what tells the page a server is ready, and the
// server then sleeps in accept() — yet sending at every sleep would send a
// message per call in a bulk transfer, whose guest sleeps each time its ring
// is full. So a sleep is cut in two: the part up to the batch's deadline,
// and after it (still asleep) the send and the rest of the sleep.

import type { TraceEvent } from '../wasi/trace.js';

export const MAX_DELAY_MS = 16;
export const MAX_EVENTS = 512;

export interface TimedTrace {
  event: TraceEvent;
  /** Wall-clock ms (see messages.ts). */
  at: number;
}

export class TraceBatch {
  private batch: TimedTrace[] = [];
  private since = 0;

  constructor(private readonly send: (batch: TimedTrace[]) => void, private readonly now: () => number = () => performance.now()) {}

  add(event: TraceEvent, at: number): void {
    const now = this.now();
    if (this.batch.length === 0) this.since = now;
    this.batch.push({ event, at });
    if (this.batch.length >= MAX_EVENTS || now - this.since >= MAX_DELAY_MS) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.send(batch);
  }

  /** Milliseconds until the pending batch is due, or null when nothing is pending. */
  dueIn(): number | null {
    return this.batch.length === 0 ? null : Math.max(0, this.since + MAX_DELAY_MS - this.now());
  }
}

/** Anything that holds messages back until a deadline: a TraceBatch, a directory's snapshots (memory-dir.ts). */
export interface Deferred {
  /** Milliseconds until it is due, or null when nothing is pending. */
  dueIn(): number | null;
  flush(): void;
}

type Wait = (typedArray: Int32Array | BigInt64Array, index: number, value: number | bigint, timeout?: number) => 'ok' | 'not-equal' | 'timed-out';

/**
 * Makes every Atomics.wait of this thread send `batch` once it is due, while
 * still asleep; returns the undo. Several may be installed: each wraps the
 * one before. The callers (the guest's blocking calls and control
 * requests) re-check their condition after every wake-up, and a notify
 * that lands between the two halves has changed the value waited on, so
 * the second half returns at once: nothing is missed.
 */
export function flushWhileAsleep(batch: Deferred): () => void {
  const wait = Atomics.wait as unknown as Wait;
  const split: Wait = (typedArray, index, value, timeout = Infinity) => {
    const due = batch.dueIn();
    if (due === null || timeout <= due) return wait(typedArray, index, value, timeout);
    const started = performance.now();
    const first = wait(typedArray, index, value, due);
    if (first !== 'timed-out') return first;
    batch.flush();
    return wait(typedArray, index, value, Math.max(0, timeout - (performance.now() - started)));
  };
  (Atomics as unknown as { wait: Wait }).wait = split;
  // Undoes it (for tests; a guest worker keeps it for its life).
  return () => {
    (Atomics as unknown as { wait: Wait }).wait = wait;
  };
}

/**
 * For a guest thread with an event loop (JSPI mode, where the guest
 * suspends instead of sleeping in Atomics.wait): returns a poke, to call
 * after anything is added to `batch`, that sends it by a timer once due.
 */
export function flushByTimer(batch: Deferred): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    const due = batch.dueIn();
    if (due === null) return;
    timer = setTimeout(() => {
      timer = undefined;
      batch.flush();
    }, due);
  };
}
