// The other way a guest and its socket state machine can meet: on one thread
// (the JSPI host mode, jspi/). The arena, the rings and the readiness words
// are the same as in worker mode; only the three crossings differ, and an
// arena that carries a SameThreadLink routes them here instead of through
// futexes and the doorbell (bridge/signals.ts, wasi/blocking.ts).

import type { WaitKind } from './interrupts.js';

/** Returned by a wait that ran out of time (wasi/blocking.ts re-exports it). */
export const TIMED_OUT = Symbol('timed out');

export interface SameThreadLink {
  /** Guest → state machine: the guest touched `slot` (sent, consumed, closed). Handled at once. */
  dirty(slot: number): void;
  /** State machine → guest: something a waiting call may wait for has changed. */
  wake(): void;
  /**
   * blockUntil on this thread: `check`'s first non-undefined result, or
   * TIMED_OUT; when it must wait, the guest's import suspends (JSPI) and the
   * wait goes on in the event loop.
   */
  block<T>(timeoutMs: number, check: () => T | undefined, timedOut: (() => T) | undefined, kind: WaitKind): T | typeof TIMED_OUT;
}
