// The guest's one way to block: re-check a condition each time the I/O
// thread signals a change, until it holds or a deadline passes.

import type { Arena } from '../bridge/arena.js';
import { sleepUntilWoken, wakeSeq } from '../bridge/signals.js';

export const TIMED_OUT = Symbol('timed out');

/**
 * Returns the first non-undefined result of `check`, or TIMED_OUT after
 * `timeoutMs` (Infinity waits forever). `check` runs once before any wait, so
 * a zero timeout is a plain poll.
 */
export function blockUntil<T>(arena: Arena, timeoutMs: number, check: () => T | undefined): T | typeof TIMED_OUT {
  const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  for (;;) {
    const seen = wakeSeq(arena);
    const result = check();
    if (result !== undefined) return result;
    const remaining = deadline - performance.now();
    if (remaining <= 0) return TIMED_OUT;
    sleepUntilWoken(arena, seen, remaining);
  }
}

/** SO_RCVTIMEO / SO_SNDTIMEO (µs, 0 = none) as a blockUntil timeout. */
export function timeoutMs(micros: bigint): number {
  return micros === 0n ? Infinity : Number(micros) / 1000;
}
