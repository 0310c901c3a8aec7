// What a signal does to the guest's one blocking primitive (wasi/blocking.ts
// in worker mode, jspi/link.ts in JSPI mode): a wait ends early when a signal
// that must interrupt it arrives, and sleeps no longer than the interval
// timer's next expiry. The guest's signal state (wasi/guest-signals.ts)
// answers; the primitives only ask.

/**
 * How a wait meets a signal that has a handler:
 * - restart: the call goes on after the handler when the handler has
 *   SA_RESTART (read, write, accept…), else it ends (EINTR);
 * - interrupt: it always ends (poll, select, sleep: Linux never restarts them);
 * - none: signals do not end it (sigsuspend, whose condition is the signal).
 */
export type WaitKind = 'restart' | 'interrupt' | 'none';

export interface Interrupts {
  /**
   * Called before each sleep of a wait: true when a deliverable signal must
   * end this wait (the import then reports EINTR or its partial count). A
   * signal that does not end it (an SA_RESTART handler, a default action
   * that ends the program) is acted on here.
   */
  interrupts(kind: WaitKind): boolean;
  /** Milliseconds until the interval timer fires (Infinity when it is not armed). */
  nextTimerMs(): number;
  /** Set when a wait ended for a signal, until the import boundary takes it. */
  readonly interrupted: boolean;
  /** Whether a handler is running (JSPI mode refuses to suspend inside one). */
  inHandler(): boolean;
}
