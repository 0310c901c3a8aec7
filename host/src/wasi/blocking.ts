// The guest's one way to block: re-check a condition each time the I/O
// thread signals a change, until it holds or a deadline passes. In worker
// mode the guest's thread sleeps on a futex; in JSPI mode (same thread)
// the arena's SameThreadLink suspends the guest's import instead.

import type { Arena } from '../bridge/arena.js';
import { sleepUntilWoken, wakeSeq } from '../bridge/signals.js';
import { TIMED_OUT } from '../bridge/same-thread.js';

export { TIMED_OUT };

/**
 * Returns the first non-undefined result of `check`, or TIMED_OUT after
 * `timeoutMs` (Infinity waits forever). `check` runs once before any wait, so
 * a zero timeout is a plain poll.
 */
export function blockUntil<T>(arena: Arena, timeoutMs: number, check: () => T | undefined): T | typeof TIMED_OUT;
/**
 * With `timedOut`: its result instead of TIMED_OUT. A caller whose answer on
 * timeout depends on what `check` did meanwhile (bytes moved so far) must
 * use this form: in JSPI mode the code after blockUntil runs in a re-run of
 * the import (jspi/replay.ts), where the closure `check` updated is gone.
 */
export function blockUntil<T>(arena: Arena, timeoutMs: number, check: () => T | undefined, timedOut: () => T): T;
export function blockUntil<T>(arena: Arena, timeoutMs: number, check: () => T | undefined, timedOut?: () => T): T | typeof TIMED_OUT {
  // On the state machine's own thread a wait suspends the guest instead (JSPI).
  if (arena.sameThread) return arena.sameThread.block(timeoutMs, check, timedOut);
  const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  for (;;) {
    const seen = wakeSeq(arena);
    const result = check();
    if (result !== undefined) return result;
    const remaining = deadline - performance.now();
    if (remaining <= 0) return timedOut ? timedOut() : TIMED_OUT;
    sleepUntilWoken(arena, seen, remaining);
  }
}

/** SO_RCVTIMEO / SO_SNDTIMEO (µs, 0 = none) as a blockUntil timeout. */
export function timeoutMs(micros: bigint): number {
  return micros === 0n ? Infinity : Number(micros) / 1000;
}
