// pthreads in JSPI mode, as green threads: each thread is its own call into
// the one instance (libsock's thread entry, a function of the exported
// table, through WebAssembly.promising), so each has its own suspendable
// wasm stack. One
// runs at a time; it runs until one of its imports must wait (a socket
// read, a sleep, a futex wait for a mutex, condition, semaphore or join),
// then the next runnable thread goes on, in the order they became runnable
// — a cooperative scheduler on one core, with no preemption: a thread that
// never waits keeps the others from running.
//
// What the threads share but must not: the wasm global __stack_pointer
// (one per instance, while each thread has its own shadow stack) and
// wasi-libc's errno (a plain global without a threads sysroot). libsock's
// switch function (named at spawn, like the entry) saves both into the
// outgoing thread's control block and installs the next thread's; it is
// called here, whenever the instance passes to another thread, with no
// wasm running.
//
// Only one stack may be between "allowed to run" and its next suspension:
// a resumed import returns into wasm a microtask after it is allowed, so
// letting two go at once would resume one with the other's stack pointer.
// `running` is that one; the others queue in `ready`.

import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import type { ThreadHost } from '../wasi/threads.js';
import type { Replay, Turns } from './replay.js';

interface Thread {
  /** libsock's control block (pthread_t); the main thread's is learnt at its first switch. */
  handle: number;
}

interface Runnable {
  thread: Thread;
  go(): void;
}

type Export = (...args: number[]) => unknown;

/** How the program ended in a thread other than main: exit() (its code) or a trap. */
export type ThreadEnd = { kind: 'exit'; code: number } | { kind: 'trap'; message: string };

const promising = (fn: Export) => (WebAssembly as unknown as { promising: (fn: Export) => (...args: number[]) => Promise<unknown> }).promising(fn);

export class GreenThreads implements ThreadHost, Turns {
  private readonly main: Thread = { handle: 0 };
  /** The thread whose wasm runs now, or is allowed to resume; null while none is. */
  private running: Thread | null = this.main;
  /** Whose stack pointer and errno the guest's globals hold. */
  private holds: Thread = this.main;
  private readonly ready: Runnable[] = [];
  private table: WebAssembly.Table | null = null;
  private entry: ((handle: number) => Promise<unknown>) | null = null;
  private entryIndex = -1;
  private switchTo: Export | null = null;
  private stopped = false;

  /** `ended`: a thread other than main ended the program (exit() or a trap). */
  constructor(private readonly replay: Replay, private readonly ended: (end: ThreadEnd) => void) {
    replay.turns = this;
  }

  /** The instance's exports, once it exists: the table holds libsock's thread functions. */
  attach(exports: WebAssembly.Exports): void {
    const table = exports.__indirect_function_table;
    if (table instanceof WebAssembly.Table) this.table = table;
  }

  stop(): void {
    this.stopped = true;
    this.ready.length = 0;
  }

  // ---- ThreadHost: the imports ----

  spawn(handle: number, entry: number, switchTo: number): number {
    if (handle === 0 || !this.bind(entry, switchTo)) return E.NOSYS;
    const thread: Thread = { handle };
    this.ready.push({ thread, go: () => this.start(thread) });
    return 0;
  }

  /** Finds libsock's two thread functions in the table (the same every time); false if they are not functions. */
  private bind(entry: number, switchTo: number): boolean {
    if (this.entryIndex === entry && this.switchTo !== null) return true;
    if (this.table === null || entry >= this.table.length || switchTo >= this.table.length) return false;
    const entryFn = this.table.get(entry) as Export | null;
    const switchFn = this.table.get(switchTo) as Export | null;
    if (typeof entryFn !== 'function' || typeof switchFn !== 'function') return false;
    this.entry = promising(entryFn) as (handle: number) => Promise<unknown>;
    this.entryIndex = entry;
    this.switchTo = switchFn;
    return true;
  }

  exit(): number {
    // Never resumed: the thread's stack is dropped with its pending promise.
    throw this.replay.suspend(new Promise<never>(() => {}));
  }

  yield(): number {
    const replay = this.replay;
    if (replay.replaying()) return replay.take<number>();
    if (this.ready.length === 0) return replay.record(0);
    // Suspending puts this thread behind the ones already waiting for a turn.
    throw replay.suspend(Promise.resolve(0));
  }

  // ---- Turns: Replay's questions ----

  suspended(): unknown {
    const thread = this.running;
    this.running = null;
    this.dispatch();
    return thread;
  }

  turn(token: unknown): Promise<void> | null {
    const thread = token as Thread;
    if (this.running === null && this.ready.length === 0) {
      this.running = thread;
      this.enter(thread);
      return null;
    }
    return new Promise<void>((go) => {
      this.ready.push({ thread, go });
      this.dispatch();
    });
  }

  // ---- scheduling ----

  /** Lets the next runnable thread go, once none runs. */
  private dispatch(): void {
    if (this.running !== null || this.stopped) return;
    const next = this.ready.shift();
    if (next === undefined) return;
    this.running = next.thread;
    // In a microtask: the stack that just suspended has left wasm by then.
    queueMicrotask(() => {
      if (this.stopped) return;
      this.enter(next.thread);
      next.go();
    });
  }

  /** Gives the guest's globals to `thread`. */
  private enter(thread: Thread): void {
    if (this.holds === thread || this.switchTo === null) return;
    const previous = this.switchTo(thread.handle) as number;
    if (this.holds.handle === 0) this.holds.handle = previous >>> 0;
    this.holds = thread;
  }

  private start(thread: Thread): void {
    this.entry!(thread.handle).then(
      () => {
        // The thread function returned (libsock has done pthread_exit's work).
        if (this.running === thread) {
          this.running = null;
          this.dispatch();
        }
      },
      (err: unknown) => {
        if (this.stopped) return;
        this.stop();
        if (err instanceof WASIProcExit) this.ended({ kind: 'exit', code: err.code });
        else this.ended({ kind: 'trap', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      },
    );
  }
}
