// The guest worker's trace batching (host/src/browser/trace-batch.ts): few
// messages for many calls, yet no event held back for long, even while the
// guest sleeps in a blocking call.

import { afterEach, describe, expect, it } from 'vitest';
import { flushWhileAsleep, MAX_DELAY_MS, MAX_EVENTS, TraceBatch, type TimedTrace } from '../host/src/browser/trace-batch.js';
import type { TraceEvent } from '../host/src/wasi/trace.js';

const event = (n: number): TraceEvent => ({ call: 'write', fd: 3, args: ['1'], result: 1, errno: 0, time: n });

let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
});

describe('TraceBatch', () => {
  it('sends one message per MAX_EVENTS events, in order', () => {
    const sent: TimedTrace[][] = [];
    const batch = new TraceBatch((b) => sent.push(b), () => 0);
    for (let i = 0; i < MAX_EVENTS * 2 + 5; i++) batch.add(event(i), i);
    expect(sent.map((b) => b.length)).toEqual([MAX_EVENTS, MAX_EVENTS]);
    batch.flush();
    expect(sent.flat().map((t) => t.event.time)).toEqual(Array.from({ length: MAX_EVENTS * 2 + 5 }, (_, i) => i));
  });

  it('sends a batch once its first event is MAX_DELAY_MS old', () => {
    let now = 0;
    const sent: TimedTrace[][] = [];
    const batch = new TraceBatch((b) => sent.push(b), () => now);
    batch.add(event(1), 0);
    now = MAX_DELAY_MS - 1;
    batch.add(event(2), 0);
    expect(sent).toEqual([]);
    expect(batch.dueIn()).toBe(1);
    now = MAX_DELAY_MS;
    batch.add(event(3), 0);
    expect(sent.map((b) => b.length)).toEqual([3]);
    expect(batch.dueIn()).toBeNull();
  });

  it('sends what is pending while the thread sleeps, and still sleeps as long as asked', () => {
    const sent: TimedTrace[][] = [];
    const batch = new TraceBatch((b) => sent.push(b));
    undo = flushWhileAsleep(batch);
    const word = new Int32Array(new SharedArrayBuffer(4));
    batch.add(event(1), 0);
    const started = performance.now();
    // Node lets its main thread Atomics.wait; nothing will notify.
    expect(Atomics.wait(word, 0, 0, MAX_DELAY_MS * 4)).toBe('timed-out');
    expect(performance.now() - started).toBeGreaterThanOrEqual(MAX_DELAY_MS * 4 - 1);
    expect(sent.map((b) => b.length)).toEqual([1]);
  });

  it('leaves a wait alone when nothing is pending or the value already changed', () => {
    const sent: TimedTrace[][] = [];
    const batch = new TraceBatch((b) => sent.push(b));
    undo = flushWhileAsleep(batch);
    const word = new Int32Array(new SharedArrayBuffer(4));
    expect(Atomics.wait(word, 0, 0, 1)).toBe('timed-out');
    batch.add(event(1), 0);
    expect(Atomics.wait(word, 0, 7, 1000)).toBe('not-equal');
    // A short sleep ends before the batch is due: it is not sent early.
    expect(Atomics.wait(word, 0, 0, 0)).toBe('timed-out');
    expect(sent).toEqual([]);
  });
});
