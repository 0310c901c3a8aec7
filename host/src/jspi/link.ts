// The JSPI mode's SameThreadLink (bridge/same-thread.ts): the guest and its
// socket state machine on one thread. A slot the guest touches is handled at
// once (no doorbell); a wait suspends the guest's import and resumes it in
// the same event-loop turn as the change that satisfies it, once that turn's
// I/O is delivered (no futex).

import { TIMED_OUT, type SameThreadLink } from '../bridge/same-thread.js';
import type { Interrupts, WaitKind } from '../bridge/interrupts.js';
import type { SocketHost } from '../io/socket-host.js';
import type { Replay } from './replay.js';
import { deferTask } from './defer.js';

/** setTimeout's longest delay; a longer wait sleeps in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class JspiLink implements SameThreadLink {
  /** Bumped by every wake(): a check that ran while it moved looks again before sleeping. */
  private wakes = 0;
  /**
   * Every suspended wait's resume function: one per green thread that waits
   * (jspi/green-threads.ts), each re-checking its own condition — with
   * its timer, if its wait has a deadline.
   */
  private readonly waiters = new Map<() => void, ReturnType<typeof setTimeout> | undefined>();
  private stopped = false;

  /** The guest's signals (wasi/guest-signals.ts), once the guest is created. */
  interrupts: Interrupts | null = null;

  constructor(private readonly host: SocketHost, private readonly replay: Replay) {}

  dirty(slot: number): void {
    this.host.touched(slot);
  }

  wake(): void {
    this.wakes++;
    if (this.waiters.size === 0 || this.stopped || this.resumeQueued) return;
    // Resumed once the event loop has delivered everything that is ready
    // now (Node: setImmediate, the check phase right after this poll
    // phase; still the same event-loop turn), not after the first socket's
    // callback: a poll() over a thousand sockets then sees every socket
    // that became ready at once, not one per scan of all of them.
    this.resumeQueued = true;
    deferTask(this.resumeNow);
  }

  private resumeQueued = false;

  private readonly resumeNow = (): void => {
    this.resumeQueued = false;
    if (this.stopped) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const [waiter, timer] of waiting) {
      if (timer !== undefined) clearTimeout(timer);
      waiter();
    }
  };

  block<T>(timeoutMs: number, check: () => T | undefined, timedOut: (() => T) | undefined, kind: WaitKind): T | typeof TIMED_OUT {
    const replay = this.replay;
    if (replay.replaying()) return replay.take<T | typeof TIMED_OUT>();
    const seen = this.wakes;
    const result = check();
    if (result !== undefined) return replay.record(result);
    if (timeoutMs <= 0) return replay.record(timedOut ? timedOut() : TIMED_OUT);
    // A handler runs on a stack JSPI cannot suspend (it was called from an
    // import): a wait there would trap with an engine message; say why instead.
    if (this.interrupts?.inHandler()) {
      throw new Error('wasock: a signal handler made a call that must wait (a read, write, accept, poll or sleep that blocks); in JSPI host mode handlers may only make calls that finish at once (use --host-mode=worker)');
    }
    const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    throw replay.suspend(this.waitFor(check, deadline, seen, timedOut, kind));
  }

  /** The guest is gone: nothing resumes it any more. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.waiters.values()) if (timer !== undefined) clearTimeout(timer);
    this.waiters.clear();
  }

  /** blockUntil's loop, in the event loop: re-check after each wake-up until it holds or time is up. */
  private async waitFor<T>(check: () => T | undefined, deadline: number, seen: number, timedOut: (() => T) | undefined, kind: WaitKind): Promise<T | typeof TIMED_OUT> {
    const signals = this.interrupts;
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return timedOut ? timedOut() : TIMED_OUT;
      // A handler with SA_RESTART runs here, the import still suspended, and the wait goes on.
      if (signals?.interrupts(kind)) return timedOut ? timedOut() : TIMED_OUT;
      if (this.wakes === seen) await this.nextWake(Math.min(remaining, signals?.nextTimerMs() ?? Infinity));
      seen = this.wakes;
      const result = check();
      if (result !== undefined) return result;
    }
  }

  private nextWake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.stopped) return;
      const timer =
        ms === Infinity
          ? undefined
          : setTimeout(() => {
              this.waiters.delete(resolve);
              resolve();
            }, Math.min(Math.ceil(ms), MAX_TIMER_MS));
      this.waiters.set(resolve, timer);
    });
  }
}
