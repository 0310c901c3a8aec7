// Starts a guest in a Node worker thread with this thread as its I/O thread:
// adapts node:worker_threads and the host's stdin to the shared launcher
// (io/guest-launch.ts), with real sockets by default.

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
  const guest = launchGuest({
    module: options.module,
    args: options.args,
    env: options.env,
    policy: options.policy,
    trace: options.trace,
    tty: options.tty,
    geometry: { ...DEFAULT_GEOMETRY, maxSockets: options.maxSockets ?? DEFAULT_GEOMETRY.maxSockets },
    backend: options.backend ?? new NodeBackend(),
    emulate: options.emulate,
    listeners: options.listeners,
    thread: nodeThread(new Worker(options.workerUrl)),
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
  };
}
