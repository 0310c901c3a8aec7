// Starts a guest with this thread as its I/O thread: in a Node worker thread
// (worker mode) or on this thread itself (JSPI mode, jspi/), chosen by
// `hostMode` (JSPI wherever the engine has it); adapts the thread and the
// host's stdin to the shared launcher (io/guest-launch.ts), with real
// sockets by default.

import { Worker } from 'node:worker_threads';
import type { Readable } from 'node:stream';
import { DEFAULT_GEOMETRY } from '../bridge/arena.js';
import { NodeBackend } from '../net/node-backend.js';
import type { NetBackend } from '../net/backend.js';
import type { NetPolicy } from '../net/policy.js';
import { launchGuest, type GuestThread, type LaunchOptions } from './guest-launch.js';
import { ReadableStdin } from './stdin-readable.js';
import type { GuestInit, GuestOutcome } from '../wasi/guest.js';
import type { DirMapping } from '../worker/preopens.js';
import { nodeEmbedder } from '../worker/node-embedder.js';
import { sameThreadGuest } from '../jspi/same-thread-guest.js';
import { hasJspi } from '../jspi/suspending-imports.js';

/** worker: the guest in a worker thread (futexes); jspi: on this thread (WebAssembly.Suspending). */
export type HostMode = 'worker' | 'jspi';

/** JSPI where the engine has it, worker mode otherwise. */
export function defaultHostMode(): HostMode {
  return hasJspi() ? 'jspi' : 'worker';
}

export interface NodeGuestOptions {
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  policy: NetPolicy;
  trace: boolean;
  dirs: DirMapping[];
  maxSockets?: number;
  backend?: NetBackend;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  tty: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** URL of the bundled worker entry (build/host/guest-worker.js). */
  workerUrl: URL;
  /** Default: defaultHostMode(). 'jspi' on an engine without JSPI is an error. */
  hostMode?: HostMode;
  /** Listening sockets handed to the guest as preopened descriptors (--tcplisten). */
  listeners?: LaunchOptions['listeners'];
  /** Another runtime's host behaviour to reproduce (interop tests). */
  emulate?: GuestInit['emulate'];
  /** Takes the guest's stdout and stderr (trace and denial lines included) instead of this process's fds 1 and 2. */
  output?: (fd: 1 | 2, bytes: Uint8Array) => void;
}

export interface RunningGuest {
  outcome: Promise<GuestOutcome>;
  /** Stops the guest at once (e.g. on SIGINT); sockets are closed. */
  kill(): Promise<void>;
  /** Passes a signal to a guest that handles or ignores it (true); false: its default action is the caller's. */
  signal(sig: number): boolean;
}

function nodeThread(worker: Worker): GuestThread {
  return {
    post: (message) => worker.postMessage(message),
    listen(handlers) {
      worker.on('message', handlers.message);
      worker.on('error', (err: Error) => handlers.error(err.message));
      worker.on('exit', handlers.exit);
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

export function startNodeGuest(options: NodeGuestOptions): RunningGuest {
  const hostMode = options.hostMode ?? defaultHostMode();
  if (hostMode === 'jspi' && !hasJspi()) throw new Error(`--host-mode=jspi needs WebAssembly.Suspending (Node >= 25, or Node 24 with --experimental-wasm-jspi); this is Node ${process.versions.node}`);
  const guest = launchGuest({
    module: options.module,
    args: options.args,
    env: options.env,
    policy: options.policy,
    trace: options.trace,
    tty: options.tty,
    geometry: { ...DEFAULT_GEOMETRY, maxSockets: options.maxSockets ?? DEFAULT_GEOMETRY.maxSockets },
    backend: options.backend ?? new NodeBackend(),
    sharedArena: hostMode !== 'jspi',
    emulate: options.emulate,
    listeners: options.listeners,
    thread: hostMode === 'jspi'
      ? sameThreadGuest((message) => nodeEmbedder({ trace: options.trace, dirs: message.dirs as DirMapping[], out: options.output }))
      : nodeThread(new Worker(options.workerUrl)),
    stdin: (arena) => new ReadableStdin(arena, options.stdin as unknown as Readable),
    extra: { dirs: options.dirs, captureOutput: options.output !== undefined },
    onMessage: (message) => {
      const report = message as { kind?: unknown; fd: 1 | 2; bytes: Uint8Array };
      if (report.kind === 'output') options.output?.(report.fd, report.bytes);
    },
  });
  return {
    // The CLI never sees `killed`: it exits on the signal that killed the guest.
    outcome: guest.outcome.then((end) => (end.kind === 'killed' ? { kind: 'trap', message: 'killed' } : end)),
    kill: () => guest.kill(),
    signal: (sig) => guest.signal(sig),
  };
}
