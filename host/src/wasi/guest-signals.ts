// One guest's signals, on the guest's side (its worker, or the one thread in
// JSPI mode): the dispositions libsock reported, the mask, what is pending,
// and the interval timer (ITIMER_REAL). Nothing runs asynchronously here:
// a signal is acted on when the guest is in the host, at the end of an
// import (signal-imports.ts) or while an import waits (bridge/interrupts.ts),
// which is where a kernel delivers too, short of preempting the program.
// The timer is a deadline the waits sleep no longer than, so a guest that
// sleeps wakes on time and one that computes sees SIGALRM at its next call.

import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { H, type Arena } from '../bridge/arena.js';
import type { Interrupts, WaitKind } from '../bridge/interrupts.js';
import { DISPOSITION, ignoredByDefault, MAX_SIGNAL, SA, SIG, sigBit, UNBLOCKABLE } from '../abi/signal.js';

interface Action {
  kind: number;
  flags: number;
  mask: number;
}

const DEFAULT_ACTION: Action = { kind: DISPOSITION.DEFAULT, flags: 0, mask: 0 };


export class GuestSignals implements Interrupts {
  private readonly actions: Action[] = Array.from({ length: MAX_SIGNAL + 1 }, () => DEFAULT_ACTION);
  /** The process mask (bit n = signal n). */
  blocked = 0;
  private pending = 0;
  /** performance.now() when ITIMER_REAL fires (Infinity: disarmed), and its period in ms (0: one-shot). */
  private timerDue = Infinity;
  private timerPeriod = 0;
  private handlerDepth = 0;
  /**
   * Set when a wait ended for a signal; the import boundary reads and clears
   * it (an EAGAIN the timeout path produced becomes EINTR).
   */
  interrupted = false;
  /** The guest's function table (libsock's dispatcher is in it), and what a handler runs inside (JSPI: replay's nested). */
  table: WebAssembly.Table | null = null;
  around: (run: (sig: number) => void, sig: number) => void = (run, sig) => run(sig);
  /** An exit (or other host exception) an import threw inside a handler, for a caller that only learns of it later (JSPI). */
  handlerThrew: unknown = undefined;
  /** The table index of libsock's dispatcher, as the last wasock_sigaction gave it. */
  private dispatcher = -1;

  constructor(private readonly arena: Arena) {}

  // --- what libsock reports ----------------------------------------------

  /** Checks and keeps the dispatcher's table index; false when it is not a function there. */
  setDispatcher(index: number): boolean {
    if (index === this.dispatcher) return true;
    let fn: unknown;
    try {
      fn = this.table?.get(index >>> 0);
    } catch {
      return false;
    }
    if (typeof fn !== 'function') return false;
    this.dispatcher = index;
    return true;
  }

  setAction(sig: number, kind: number, flags: number, mask: number): void {
    this.actions[sig] = { kind, flags, mask: mask & ~UNBLOCKABLE };
    // Ignoring a signal discards it even while it is pending (POSIX).
    if (this.discards(sig)) this.pending &= ~sigBit(sig);
    this.publishCaught();
  }

  setMask(mask: number): void {
    this.blocked = mask & ~UNBLOCKABLE & ~1;
  }

  /** A signal for this guest (raise, SIGPIPE, the timer, or from outside). */
  post(sig: number): void {
    if (!this.discards(sig)) this.pending |= sigBit(sig);
  }

  /** ITIMER_REAL: the old {value, interval} in µs; value < 0 only reads. */
  setTimer(valueUs: number, intervalUs: number): [number, number] {
    const now = performance.now();
    const old: [number, number] = [this.timerDue === Infinity ? 0 : Math.max(1, Math.round((this.timerDue - now) * 1000)), Math.round(this.timerPeriod * 1000)];
    if (valueUs >= 0) {
      this.timerDue = valueUs === 0 ? Infinity : now + valueUs / 1000;
      this.timerPeriod = valueUs === 0 ? 0 : intervalUs / 1000;
    }
    return old;
  }

  // --- delivery ------------------------------------------------------------

  /** Signals that would be acted on now under `mask`, after taking what arrived. */
  deliverable(mask = this.blocked): number {
    this.gather();
    return this.pending & ~mask;
  }

  /** Acts on every deliverable signal, lowest number first (handlers run; a default action may end the guest). */
  deliver(): void {
    for (let ready = this.deliverable(); ready !== 0; ready = this.deliverable()) {
      const sig = 31 - Math.clz32(ready & -ready);
      this.pending &= ~sigBit(sig);
      this.act(sig);
    }
  }

  /** Runs `fn` with `mask` as the process mask (sigsuspend), then restores the mask. */
  withMask<R>(mask: number, fn: () => R): R {
    const saved = this.blocked;
    this.setMask(mask);
    try {
      return fn();
    } finally {
      this.blocked = saved;
    }
  }

  interrupts(kind: WaitKind): boolean {
    if (kind === 'none') return false;
    const ready = this.deliverable();
    if (ready === 0) return false;
    // A handler ends the wait unless the call restarts and the handler asked
    // for that; everything else (a default action that ends the program) is
    // done right here.
    for (let bits = ready; bits !== 0; bits &= bits - 1) {
      const action = this.actions[31 - Math.clz32(bits & -bits)];
      if (action.kind === DISPOSITION.HANDLER && (kind === 'interrupt' || !(action.flags & SA.RESTART))) {
        this.interrupted = true;
        return true;
      }
    }
    this.deliver();
    return false;
  }

  nextTimerMs(): number {
    return this.timerDue === Infinity ? Infinity : Math.max(0, this.timerDue - performance.now());
  }

  inHandler(): boolean {
    return this.handlerDepth > 0;
  }

  /** Cheap test for the import boundary: anything that could need delivering now. */
  mayDeliver(): boolean {
    return (this.pending & ~this.blocked) !== 0 || Atomics.load(this.arena.words, H.SIG_PENDING) !== 0 || (this.timerDue !== Infinity && performance.now() >= this.timerDue);
  }

  // --- internals -----------------------------------------------------------

  private discards(sig: number): boolean {
    const kind = this.actions[sig].kind;
    return kind === DISPOSITION.IGNORE || (kind === DISPOSITION.DEFAULT && ignoredByDefault(sig));
  }

  /** Takes signals sent from outside and the timer's expiry into `pending`. */
  private gather(): void {
    const words = this.arena.words;
    if (Atomics.load(words, H.SIG_PENDING) !== 0) {
      const bits = Atomics.exchange(words, H.SIG_PENDING, 0);
      for (let b = bits; b !== 0; b &= b - 1) this.post(31 - Math.clz32(b & -b));
    }
    if (this.timerDue !== Infinity) {
      const now = performance.now();
      if (now >= this.timerDue) {
        this.post(SIG.ALRM);
        // A periodic timer that fell behind fires once, as Linux's does, and keeps its phase.
        if (this.timerPeriod > 0) {
          const missed = Math.floor((now - this.timerDue) / this.timerPeriod);
          this.timerDue += (missed + 1) * this.timerPeriod;
        } else {
          this.timerDue = Infinity;
        }
      }
    }
  }

  private act(sig: number): void {
    const action = this.actions[sig];
    if (action.kind === DISPOSITION.HANDLER && this.dispatcher >= 0) {
      const saved = this.blocked;
      this.setMask(this.blocked | action.mask | (action.flags & SA.NODEFER ? 0 : sigBit(sig)));
      if (action.flags & SA.RESETHAND) this.setAction(sig, DISPOSITION.DEFAULT, 0, 0);
      this.handlerDepth++;
      const run = this.table!.get(this.dispatcher >>> 0) as (sig: number) => void;
      this.handlerThrew = undefined;
      try {
        this.around(run, sig);
      } finally {
        this.handlerDepth--;
        this.blocked = saved;
      }
      if (this.handlerThrew !== undefined) throw this.handlerThrew;
      return;
    }
    if (this.discards(sig)) return;
    // The default action: the program ends as a shell reports a native
    // program killed by this signal (128 + its number), quietly.
    throw new WASIProcExit(128 + sig);
  }

  private publishCaught(): void {
    let caught = 0;
    for (let sig = 1; sig <= MAX_SIGNAL; sig++) if (this.actions[sig].kind !== DISPOSITION.DEFAULT) caught |= sigBit(sig);
    Atomics.store(this.arena.words, H.SIG_CAUGHT, caught);
  }
}
