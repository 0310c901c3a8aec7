// The I/O thread's half of running one guest, the same in Node and in the
// browser: the arena, the socket host over a backend, the stdin feed, the
// start message, and routing the guest thread's messages (control requests
// to the socket host, the outcome to whoever waits). The embedders
// (io/node-guest.ts, browser/page-guest.ts) only adapt their kind of thread
// and their kind of stdin.

import { Arena, H, type ArenaGeometry } from '../bridge/arena.js';
import { wakeGuest } from '../bridge/signals.js';
import { sigBit } from '../abi/signal.js';
import type { NetBackend } from '../net/backend.js';
import type { NetPolicy } from '../net/policy.js';
import type { GuestInit, GuestOutcome, PreopenedListener } from '../wasi/guest.js';
import { formatSockAddr, type SockAddr } from '../net/addr.js';
import { errnoName } from '../abi/errno.js';
import { SocketHost } from './socket-host.js';
import type { StdinFeed } from './stdin-feed.js';

/** A worker thread as the launcher needs it (Node's Worker or a Web Worker). */
export interface GuestThread {
  /** The start message; `local` is for a guest on this very thread (JSPI mode, jspi/same-thread-guest.ts). */
  post(message: unknown, local?: { host: SocketHost; arena: Arena }): void;
  /** Registers the handlers; called once, before the start message is posted. */
  listen(handlers: { message(message: unknown): void; error(message: string): void; exit(): void }): void;
  terminate(): void | Promise<void>;
}

/** Where the guest's stdin comes from; created over the arena's slot 0. */
export interface StdinSource {
  readonly feed: StdinFeed;
  /** The guest read stdin for the first time. */
  start(): void;
  /** The guest is gone. */
  stop(): void;
}

export interface LaunchOptions {
  module: WebAssembly.Module;
  /** argv, including argv[0]. */
  args: string[];
  env: string[];
  policy: NetPolicy;
  trace: boolean;
  tty: GuestInit['tty'];
  geometry: ArenaGeometry;
  /** false: the guest runs on this thread (JSPI mode) and the arena need not be shared (bridge/arena.ts). */
  sharedArena?: boolean;
  backend: NetBackend;
  thread: GuestThread;
  stdin(arena: Arena): StdinSource;
  /** Fields added to the start message next to `init` (Node: the --dir mappings). */
  extra?: Record<string, unknown>;
  /**
   * Listening sockets to open before the guest starts (--tcplisten), already
   * allowed by the policy; `bind` is what the host really binds (narrowed).
   */
  listeners?: { requested: SockAddr; bind: SockAddr; anyAddr: string }[];
  /** Another runtime's host behaviour to reproduce (GuestInit.emulate; interop tests). */
  emulate?: GuestInit['emulate'];
  /** Messages that are neither control requests nor the outcome (the browser's output and trace). */
  onMessage?(message: unknown): void;
}

/** How a guest ended: its own outcome, or stopped by kill(). */
export type GuestEnd = GuestOutcome | { kind: 'killed' };

export interface LaunchedGuest {
  readonly arena: Arena;
  readonly host: SocketHost;
  readonly stdin: StdinFeed;
  /** Settles once, after the guest's sockets are closed and their last bytes sent (or a grace period passed). */
  readonly outcome: Promise<GuestEnd>;
  /** Stops the guest at once; its sockets close as at any exit (queued data, then FIN). */
  kill(): Promise<void>;
  /**
   * Sends signal `sig` (Linux's number) to the guest when it handles or
   * ignores it, and answers true; false when its action is the default
   * one, which the caller carries out (run.js: stop the guest).
   */
  signal(sig: number): boolean;
}

async function openListeners(host: SocketHost, wanted: NonNullable<LaunchOptions['listeners']>): Promise<PreopenedListener[]> {
  const out: PreopenedListener[] = [];
  for (const l of wanted) {
    const reply = await host.preopenListener(l.bind, l.anyAddr);
    if (reply.errno !== 0) throw new Error(`--tcplisten ${formatSockAddr(l.requested)}: ${errnoName(reply.errno)}`);
    out.push({ slot: reply.slot as number, family: l.requested.family, requested: l.requested, local: reply.local as SockAddr });
  }
  return out;
}

export function launchGuest(options: LaunchOptions): LaunchedGuest {
  const arena = Arena.create(options.geometry, { shared: options.sharedArena ?? true });
  const stdin = options.stdin(arena);
  const host = new SocketHost({
    arena,
    backend: options.backend,
    onStdinWanted: () => stdin.start(),
    onStdinDrained: () => stdin.feed.drained(),
  });
  void options.backend.gone?.then(() => host.networkGone());
  const init: GuestInit = {
    module: options.module,
    args: options.args,
    env: options.env,
    // Only a worker needs it (a same-thread guest gets the Arena itself).
    arena: arena.buffer as SharedArrayBuffer,
    policy: options.policy.toJSON(),
    trace: options.trace,
    tty: options.tty,
    emulate: options.emulate,
  };

  let settle!: (end: GuestEnd) => void;
  const outcome = new Promise<GuestEnd>((resolve) => (settle = resolve));
  let finished = false;
  let closing: Promise<void> | null = null;
  // Closes the guest's sockets as a kernel does for a process that ends:
  // data already written still goes out, then FIN (SocketHost.shutdown).
  const cleanup = (): Promise<void> => {
    if (!closing) {
      stdin.stop();
      closing = host.shutdown();
    }
    return closing;
  };
  // Whatever ends the guest first wins; the outcome is told once its
  // sockets are closed, so a peer sees EOF no later than the outcome.
  const finish = (end: GuestEnd, beforeCleanup?: () => void | Promise<void>) => {
    if (finished) return;
    finished = true;
    void Promise.resolve(beforeCleanup?.()).then(cleanup).then(() => settle(end));
  };

  const { thread } = options;
  thread.listen({
    message(message) {
      if ((message as { kind?: unknown }).kind === 'outcome') {
        finish((message as { outcome: GuestOutcome }).outcome);
        // The worker has returned from the guest; nothing more will come from it.
        void thread.terminate();
      } else {
        options.onMessage?.(message);
      }
    },
    error(message) {
      finish({ kind: 'trap', message: `host error in the guest thread: ${message}` }, () => thread.terminate());
    },
    exit() {
      finish({ kind: 'trap', message: 'the guest thread ended unexpectedly' });
    },
  });
  void openListeners(host, options.listeners ?? []).then(
    (listeners) => {
      if (finished) return;
      if (listeners.length > 0) init.listeners = listeners;
      thread.post({ ...options.extra, init }, { host, arena });
    },
    (err: Error) => finish({ kind: 'refused', message: err.message }, () => thread.terminate()),
  );

  return {
    arena,
    host,
    stdin: stdin.feed,
    outcome,
    async kill() {
      // The outcome is claimed before terminating (a Node worker's end also
      // fires `exit`), and the thread is gone before its sockets are closed,
      // so it cannot write into them while they drain.
      finish({ kind: 'killed' }, () => thread.terminate());
      await outcome;
    },
    signal(sig) {
      if (finished || (Atomics.load(arena.words, H.SIG_CAUGHT) & sigBit(sig)) === 0) return false;
      Atomics.or(arena.words, H.SIG_PENDING, sigBit(sig));
      wakeGuest(arena);
      return true;
    },
  };
}
