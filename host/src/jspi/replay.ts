// How a synchronous import suspends without being rewritten. The imports
// (wasi/socket-imports.ts, socket-fd.ts, poll.ts, stdio.ts) are written
// once, as straight-line code over two blocking primitives: blockUntil and a
// control call. In worker mode those primitives sleep on a futex. In JSPI
// mode a primitive that cannot finish at once throws a Suspend carrying a
// promise of its result; the import's wrapper returns a promise instead (the
// engine suspends the guest's wasm stack), and when the result is there it
// runs the import again from the top, where every primitive already answered
// returns its recorded result in order instead of running again.
//
// That holds the imports to one rule, true of all of them today: before its
// first blocking primitive an import reads but changes nothing (a re-run
// must reach the same primitives in the same order), and what it reads there
// is not changed by the primitive itself (a control call that suspends must
// not have changed, before suspending, what the import checked before
// calling it: SocketHost's shutdown and sockname answer synchronously unless
// they really wait). What a primitive's condition does while waiting (bytes
// written so far, say) lives in its closure and is only ever done once.
//
// With green threads (jspi/green-threads.ts) several guest stacks may be
// suspended at once, each in its own import: each suspended call owns its
// log (the first run's array is handed over when it suspends and a fresh
// one takes its place), and `turns` decides when a call whose result is in
// may run again, so that only one guest stack runs at a time.
//
// The common case, an import that never waits, costs one flag and a reset
// of an empty log: no promise, no allocation.

/** Thrown by a primitive that must wait. Not an Error: nothing captures a stack. */
export class Suspend {
  constructor(readonly result: Promise<unknown>) {}
}

/** Who runs when several guest stacks are suspended (jspi/green-threads.ts). */
export interface Turns {
  /** The running stack's import must wait: it stops running. Its token. */
  suspended(): unknown;
  /** That stack's result is in: null when it may run now, else a promise of its turn. */
  turn(token: unknown): Promise<void> | null;
}

type Import = (...args: never[]) => unknown;

export class Replay {
  /** The log of an import's first run; a call that suspends keeps it. */
  private fresh: unknown[] = [];
  /** The log in use: `fresh`, or a suspended call's own in its re-run. */
  private log: unknown[] = this.fresh;
  private cursor = 0;
  private inImport = false;
  /** Set when the guest is stopped: nothing it waits for resumes it. */
  private stopped = false;
  /** With green threads: whose turn it is. */
  turns: Turns | null = null;

  /** A primitive asks: is this call a re-run that already has my result? */
  replaying(): boolean {
    return this.cursor < this.log.length;
  }

  /** The recorded result of the next primitive (when replaying()). */
  take<T>(): T {
    return this.log[this.cursor++] as T;
  }

  /** A primitive finished at once: its result, recorded for a re-run of this import. */
  record<T>(value: T): T {
    if (this.inImport) {
      this.log.push(value);
      this.cursor++;
    }
    return value;
  }

  /** A primitive must wait for `result`: throw what this returns. */
  suspend(result: Promise<unknown>): Suspend {
    if (!this.inImport) throw new Error('wasock: a blocking call outside a suspending import (host bug: the import is not wrapped with WebAssembly.Suspending)');
    return new Suspend(result);
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Runs `fn` (a signal handler: wasi/guest-signals.ts) with a log of its
   * own. A handler runs inside an import, possibly one that is suspended,
   * and the imports it calls must not clear or extend that import's log.
   */
  nested<R>(fn: () => R): R {
    const { log, cursor, inImport } = this;
    this.log = [];
    this.cursor = 0;
    this.inImport = false;
    try {
      return fn();
    } finally {
      this.log = log;
      this.cursor = cursor;
      this.inImport = inImport;
    }
  }

  /** `fn` as an import that returns a promise when, and only when, it must wait. */
  wrap<F extends Import>(fn: F): (...args: Parameters<F>) => ReturnType<F> | Promise<ReturnType<F>> {
    const call = fn as unknown as (...args: unknown[]) => ReturnType<F>;
    // Fixed arity, above WASI's widest import (path_open: 9 parameters): no
    // rest array per call (extra arguments are undefined and ignored).
    return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown, j: unknown) => {
      const log = this.fresh;
      log.length = 0;
      this.log = log;
      this.cursor = 0;
      this.inImport = true;
      try {
        return call(a, b, c, d, e, f, g, h, i, j);
      } catch (err) {
        if (err instanceof Suspend) {
          // This call keeps its log; the next first run gets a new one.
          this.fresh = [];
          return this.resume(call, [a, b, c, d, e, f, g, h, i, j], err, log, this.turns?.suspended());
        }
        throw err;
      } finally {
        this.inImport = false;
      }
    }) as unknown as (...args: Parameters<F>) => ReturnType<F> | Promise<ReturnType<F>>;
  }

  private async resume<R>(call: (...args: unknown[]) => R, args: unknown[], suspended: Suspend, log: unknown[], token: unknown): Promise<R> {
    for (;;) {
      const value = await suspended.result;
      if (this.stopped) return new Promise<R>(() => {});
      const turn = this.turns?.turn(token);
      if (turn) await turn;
      if (this.stopped) return new Promise<R>(() => {});
      log.push(value);
      this.log = log;
      this.cursor = 0;
      this.inImport = true;
      try {
        return call(...args);
      } catch (err) {
        if (!(err instanceof Suspend)) throw err;
        suspended = err;
        token = this.turns?.suspended();
      } finally {
        this.inImport = false;
      }
    }
  }
}
