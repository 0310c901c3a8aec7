// The guest's one way to block: re-check a condition each time the I/O
// thread signals a change, until it holds or a deadline passes. In worker
// mode the guest's thread sleeps on a futex; in JSPI mode (same thread)
// the arena's SameThreadLink suspends the guest's import instead. A signal
// may end a wait early (bridge/interrupts.ts): the wait then ends as a
// timeout does, and the import boundary turns that into EINTR
// (wasi/signal-imports.ts).

import type { Arena } from '../bridge/arena.js';
import { sleepUntilWoken, wakeSeq } from '../bridge/signals.js';
import { TIMED_OUT } from '../bridge/same-thread.js';
import type { WaitKind } from '../bridge/interrupts.js';

export { TIMED_OUT };
export type { WaitKind };

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
/** With `kind`: how a signal meets this wait (bridge/interrupts.ts; default 'restart'). */
export function blockUntil<T>(arena: Arena, timeoutMs: number, check: () => T | undefined, timedOut: (() => T) | undefined, kind: WaitKind): T | typeof TIMED_OUT;
export function blockUntil<T>(arena: Arena, timeoutMs: number, check: () => T | undefined, timedOut?: () => T, kind: WaitKind = 'restart'): T | typeof TIMED_OUT {
  // On the state machine's own thread a wait suspends the guest instead (JSPI).
  if (arena.sameThread) return arena.sameThread.block(timeoutMs, check, timedOut, kind);
  const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  const signals = arena.interrupts;
  for (;;) {
    const seen = wakeSeq(arena);
    const result = check();
    if (result !== undefined) return result;
    const remaining = deadline - performance.now();
    if (remaining <= 0) return timedOut ? timedOut() : TIMED_OUT;
    if (signals === null) {
      sleepUntilWoken(arena, seen, remaining);
      continue;
    }
    // A handler with SA_RESTART runs here and the wait goes on.
    if (signals.interrupts(kind)) return timedOut ? timedOut() : TIMED_OUT;
    sleepUntilWoken(arena, seen, Math.min(remaining, signals.nextTimerMs()));
  }
}

/** SO_RCVTIMEO / SO_SNDTIMEO (µs, 0 = none) as a blockUntil timeout. */
export function timeoutMs(micros: bigint): number {
  return micros === 0n ? Infinity : Number(micros) / 1000;
}
