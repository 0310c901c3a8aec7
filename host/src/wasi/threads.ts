// Green threads' imports (wasock extensions, docs/abi.md): spawning and
// ending a thread, a futex that libsock builds its mutexes, condition
// variables, semaphores and join on, and sched_yield. Threads exist only in
// the JSPI host mode (jspi/green-threads.ts), where each is its own
// suspendable call into the instance; elsewhere spawning is refused with
// one stderr line. The futex works in both modes: it waits through the
// guest's one blocking primitive (blockUntil), so a waiting thread suspends
// and the others run, and with one thread it simply sleeps (or times out),
// as natively.

import type { Arena } from '../bridge/arena.js';
import { wakeGuest } from '../bridge/signals.js';
import { E } from '../abi/errno.js';
import { blockUntil } from './blocking.js';
import { guarded, type GuestMemory } from './guest-memory.js';

/** How a host mode runs threads. */
export interface ThreadHost {
  /**
   * Starts a thread that runs table function `entry`(handle) once the caller
   * waits; `switchTo`(handle) gives it the guest's per-thread globals. An errno.
   */
  spawn(handle: number, entry: number, switchTo: number): number;
  /** The calling thread ends (pthread_exit): never returns where threads exist. */
  exit(): number;
  /** sched_yield: lets the other runnable threads run first. */
  yield(): number;
}

/** Worker mode (and any engine without JSPI): no threads, and one line saying why. */
export function noThreads(say: (line: string) => void): ThreadHost {
  let said = false;
  return {
    spawn() {
      if (!said) {
        said = true;
        say('wasock: pthread_create: threads need the JSPI host mode (Node >= 25, Chromium >= 137, or --host-mode=jspi on Node 24 with --experimental-wasm-jspi); this run uses worker mode');
      }
      return E.NOSYS;
    },
    exit: () => E.NOSYS,
    yield: () => 0,
  };
}

interface Waiter {
  woken: boolean;
}

/** Futex waiters per guest address, first come first woken. */
class FutexQueues {
  private readonly queues = new Map<number, Waiter[]>();

  add(addr: number, waiter: Waiter): void {
    const queue = this.queues.get(addr);
    if (queue) queue.push(waiter);
    else this.queues.set(addr, [waiter]);
  }

  remove(addr: number, waiter: Waiter): void {
    const queue = this.queues.get(addr);
    const at = queue?.indexOf(waiter) ?? -1;
    if (at < 0) return;
    queue!.splice(at, 1);
    if (queue!.length === 0) this.queues.delete(addr);
  }

  /** Marks up to n waiters on addr woken; how many. */
  wake(addr: number, n: number): number {
    const queue = this.queues.get(addr);
    if (!queue) return 0;
    const woken = queue.splice(0, n);
    for (const w of woken) w.woken = true;
    if (queue.length === 0) this.queues.delete(addr);
    return woken.length;
  }
}

export const THREAD_IMPORT_NAMES = ['wasock_thread_spawn', 'wasock_thread_exit', 'wasock_futex_wait', 'wasock_futex_wake'] as const;

/** Nanoseconds (i64; negative: no limit) as a blockUntil timeout in ms. */
function timeoutMs(ns: bigint): number {
  return ns < 0n ? Infinity : Number(ns) / 1e6;
}

export function threadImports(arena: Arena, mem: GuestMemory, threads: ThreadHost): Record<string, (...args: never[]) => number> {
  const futex = new FutexQueues();
  return {
    /** wasock_thread_spawn(handle, entry, switch_to) -> errno. */
    wasock_thread_spawn: (handle: number, entry: number, switchTo: number) => guarded(() => threads.spawn(handle >>> 0, entry >>> 0, switchTo >>> 0)),
    /** wasock_thread_exit() -> never returns with threads. */
    wasock_thread_exit: () => threads.exit(),
    /** wasock_futex_wait(*addr, expected, i64 timeout_ns) -> 0 (woken), AGAIN, TIMEDOUT. */
    wasock_futex_wait: (addr: number, expected: number, timeoutNs: bigint) =>
      guarded(() => {
        mem.check(addr, 4);
        if ((addr & 3) !== 0) return E.INVAL;
        // Joining the queue happens inside the check, which runs once per
        // wait: a re-run of this import (JSPI mode) takes the recorded
        // answer and never queues twice.
        let waiter: Waiter | null = null;
        return blockUntil(
          arena,
          timeoutMs(timeoutNs),
          (): number | undefined => {
            if (waiter === null) {
              if (mem.view().getInt32(addr >>> 0, true) !== expected) return E.AGAIN;
              waiter = { woken: false };
              futex.add(addr >>> 0, waiter);
              return undefined;
            }
            return waiter.woken ? 0 : undefined;
          },
          () => {
            if (waiter !== null) futex.remove(addr >>> 0, waiter);
            return waiter?.woken ? 0 : E.TIMEDOUT;
          },
        );
      }),
    /** wasock_futex_wake(*addr, n) -> errno. */
    wasock_futex_wake: (addr: number, n: number) =>
      guarded(() => {
        mem.check(addr, 4);
        if (futex.wake(addr >>> 0, n >>> 0) > 0) wakeGuest(arena);
        return 0;
      }),
    sched_yield: () => threads.yield(),
  };
}
