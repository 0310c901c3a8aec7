// Runs one guest module in the current (worker) thread: the part of the host
// that is the same in Node and in the browser. The embedder supplies how
// output, trace lines and control messages leave the worker.

import { WASI, WASIProcExit, type Fd } from '@bjorn3/browser_wasi_shim';
import { Arena } from '../bridge/arena.js';
import { FutexControl, type Control } from '../bridge/control.js';
import { NetPolicy } from '../net/policy.js';
import { GuestMemory } from './guest-memory.js';
import { guestImports, IMPORT_MODULE, type HostFsLayer } from './guest-imports.js';
import { OutputFd, StdinFd } from './stdio.js';
import { SocketFd } from './socket-fd.js';
import type { SockAddr } from '../net/addr.js';
import type { HostEmulation, SocketContext } from './socket-imports.js';
import type { TraceSink } from './trace.js';
import type { DirectWrite } from '../bridge/direct-send.js';
import { GuestSignals } from './guest-signals.js';
import { usesSignals, withSignalBoundary } from './signal-imports.js';
import { FUNCTION_TABLE_EXPORT } from '../abi/signal.js';
import type { ThreadHost } from './threads.js';

/** What the I/O thread sends a new worker (structured-clonable). */
export interface GuestInit {
  module: WebAssembly.Module;
  /** argv, including argv[0]. */
  args: string[];
  env: string[];
  arena: SharedArrayBuffer;
  policy: unknown;
  trace: boolean;
  tty: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Another runtime's host behaviour to reproduce (interop tests only). */
  emulate?: HostEmulation;
  /** Listening sockets the I/O thread opened (--tcplisten): fds after the preopened directories. */
  listeners?: PreopenedListener[];
}

export interface PreopenedListener {
  slot: number;
  family: 4 | 6;
  /** The address asked for (getsockname reports it; policy may have narrowed the real bind). */
  requested: SockAddr;
  local: SockAddr;
}

export interface GuestEmbedder {
  write(fd: 1 | 2, bytes: Uint8Array): void;
  trace: TraceSink | null;
  /** One line for a denied network operation. */
  deny(line: string): void;
  /** Preopened directories, fds 3.. (Node: from --dir; the browser: in-memory directories). */
  preopens: Fd[];
  /** The import layer for the embedder's host file system (Node: fs/imports.ts), if it has one. */
  hostFs?: HostFsLayer;
  /** OS writes for the direct send path, where the transport lends descriptors (Node). */
  directWrite?: DirectWrite;
}

export type GuestOutcome =
  | { kind: 'exit'; code: number }
  | { kind: 'trap'; message: string }
  /** The guest never started: the host could not set up what it was asked to (a --tcplisten address). */
  | { kind: 'refused'; message: string };

export interface Guest {
  wasi: WASI;
  instance: WebAssembly.Instance;
  ctx: SocketContext;
}

/**
 * A guest on its socket state machine's own thread (JSPI mode, jspi/): the
 * state machine's arena itself, the control calls that reach it directly,
 * and the wrapping that lets the imports that may wait suspend.
 */
export interface SameThreadGuest {
  arena: Arena;
  control: Control;
  adaptImports(imports: Record<string, (...args: never[]) => unknown>): WebAssembly.ModuleImports;
  /** Runs a signal handler from inside an import, which may be suspended (jspi/replay.ts's nested). */
  nested<R>(fn: () => R): R;
  /** Calls a handler on a stack of its own (WebAssembly.promising), so the imports it calls may be Suspending ones. */
  runHandler(run: (sig: number) => void, sig: number): void;
  /** How pthreads run (jspi/green-threads.ts). */
  threads: ThreadHost;
}

/** Instantiates the guest with wasock's imports, without starting it. */
export function createGuest(init: GuestInit, embedder: GuestEmbedder, sameThread?: SameThreadGuest): Guest {
  const arena = sameThread?.arena ?? new Arena(init.arena);
  const control = sameThread?.control ?? new FutexControl(arena);
  const fds: Fd[] = [
    new StdinFd(arena, init.tty.stdin),
    new OutputFd((b) => embedder.write(1, b), init.tty.stdout),
    new OutputFd((b) => embedder.write(2, b), init.tty.stderr),
    ...embedder.preopens,
  ];
  for (const l of init.listeners ?? []) {
    const sock = new SocketFd(arena, control, l.slot, 'stream', l.family, embedder.directWrite ?? null);
    sock.requestedBind = l.requested;
    sock.local = l.local;
    fds.push(sock);
  }
  const wasi = new WASI(init.args, init.env, fds, { debug: false });
  let memory: WebAssembly.Memory | null = null;
  const ctx: SocketContext = {
    arena,
    control,
    mem: new GuestMemory(() => memory!),
    fds: wasi.fds as (Fd | undefined)[],
    policy: NetPolicy.fromJSON(init.policy),
    deny: embedder.deny,
    trace: embedder.trace,
    started: performance.now(),
    directWrite: embedder.directWrite ?? null,
    emulate: init.emulate ?? {},
  };
  const signals = new GuestSignals(arena);
  const everywhere = usesSignals(init.module);
  // Only a module that can have handlers or a timer lets signals end its waits.
  if (everywhere) arena.interrupts = signals;
  const imports = withSignalBoundary(guestImports(wasi, ctx, signals, embedder.hostFs, sameThread?.threads), signals, ctx.fds, everywhere);
  const instance = new WebAssembly.Instance(init.module, { [IMPORT_MODULE]: sameThread ? sameThread.adaptImports(imports) : (imports as WebAssembly.ModuleImports) });
  memory = instance.exports.memory as WebAssembly.Memory;
  const table = instance.exports[FUNCTION_TABLE_EXPORT];
  if (table instanceof WebAssembly.Table) {
    signals.table = table;
    if (sameThread) signals.around = (run, sig) => sameThread.nested(() => sameThread.runHandler(run, sig));
  }
  // browser_wasi_shim reads memory through wasi.inst.
  wasi.inst = instance as unknown as WASI['inst'];
  return { wasi, instance, ctx };
}

export function runGuest(init: GuestInit, embedder: GuestEmbedder): GuestOutcome {
  let guest: Guest;
  try {
    guest = createGuest(init, embedder);
  } catch (err) {
    return { kind: 'trap', message: `cannot instantiate: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const code = guest.wasi.start(guest.instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
    return { kind: 'exit', code };
  } catch (err) {
    if (err instanceof WASIProcExit) return { kind: 'exit', code: err.code };
    return { kind: 'trap', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}
