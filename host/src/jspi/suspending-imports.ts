// Which imports may wait, wrapped as WebAssembly.Suspending; the rest stay
// plain imports (a Suspending call costs ~140 ns even when it returns at
// once, a plain one ~8 ns: docs in ../shared/DESIGN.md, "Two host modes").

import type { Replay } from './replay.js';

type AnyImport = (...args: never[]) => unknown;

/**
 * Reads and writes (sockets, stdin and pipes), poll_oneoff (sockets, stdin,
 * clocks, sleep), epoll_wait, reverse lookups, sigsuspend, the thread calls
 * that switch threads, and the socket calls that wait or ask the backend something
 * asynchronous. Socket options (sock_get_*, sock_set_*), sock_open and
 * fd_close never wait: the state machine answers them at once.
 */
export function mayWait(name: string): boolean {
  if (name === 'fd_read' || name === 'fd_write' || name === 'poll_oneoff' || name === 'wasock_epoll_wait' || name === 'wasock_addr_name') return true;
  // sigsuspend/pause wait for a signal; the other signal imports answer at once.
  if (name === 'wasock_sigsuspend') return true;
  // Green threads (jspi/green-threads.ts): a futex wait, a thread's end and
  // a yield hand the instance to another thread; spawning and waking do not.
  if (name === 'wasock_futex_wait' || name === 'wasock_thread_exit' || name === 'sched_yield') return true;
  if (!name.startsWith('sock_')) return false;
  if (name.startsWith('sock_get_') || name.startsWith('sock_set_')) return false;
  return name !== 'sock_open' && name !== 'sock_addr_remote';
}

/** Whether this engine has JSPI (Node >= 25, Chromium >= 137; Node 24 with --experimental-wasm-jspi). */
export function hasJspi(): boolean {
  const wasm = WebAssembly as unknown as { Suspending?: unknown; promising?: unknown };
  return typeof wasm.Suspending === 'function' && typeof wasm.promising === 'function';
}

export function suspendingImports(imports: Record<string, AnyImport>, replay: Replay): WebAssembly.ModuleImports {
  const Suspending = (WebAssembly as unknown as { Suspending: new (fn: unknown) => unknown }).Suspending;
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(imports)) {
    out[name] = mayWait(name) ? new Suspending(replay.wrap(fn)) : fn;
  }
  return out as WebAssembly.ModuleImports;
}
