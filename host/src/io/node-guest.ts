// Starts a guest in a Node worker thread with this thread as its I/O thread:
// creates the arena, the socket host over the node backend and the stdin
// feed, and settles with the guest's outcome after every socket is closed.

import { Worker } from 'node:worker_threads';
import { Arena, DEFAULT_GEOMETRY } from '../bridge/arena.js';
import { isControlRequest } from '../bridge/control.js';
import { NodeBackend } from '../net/node-backend.js';
import type { NetBackend } from '../net/backend.js';
import type { NetPolicy } from '../net/policy.js';
import { SocketHost } from './socket-host.js';
import { StdinFeed } from './stdin-feed.js';
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
}

export interface RunningGuest {
  outcome: Promise<GuestOutcome>;
  /** Stops the guest at once (e.g. on SIGINT); sockets are closed. */
  kill(): Promise<void>;
}

export function startNodeGuest(options: NodeGuestOptions): RunningGuest {
  const arena = Arena.create({ ...DEFAULT_GEOMETRY, maxSockets: options.maxSockets ?? DEFAULT_GEOMETRY.maxSockets });
  const stdin = new StdinFeed(arena, options.stdin as unknown as import('node:stream').Readable);
  const host = new SocketHost({
    arena,
    backend: options.backend ?? new NodeBackend(),
    onStdinWanted: () => stdin.start(),
    onStdinDrained: () => stdin.drained(),
  });
  const worker = new Worker(options.workerUrl);
  const init: GuestInit = {
    module: options.module,
    args: options.args,
    env: options.env,
    arena: arena.buffer,
    policy: options.policy.toJSON(),
    trace: options.trace,
    tty: options.tty,
  };
  worker.postMessage({ init, dirs: options.dirs });

  let closing: Promise<void> | null = null;
  const cleanup = (): Promise<void> => {
    if (!closing) {
      stdin.stop();
      closing = host.shutdown();
    }
    return closing;
  };

  const outcome = new Promise<GuestOutcome>((resolve) => {
    // The first report wins: terminate() after the outcome also fires 'exit'.
    let reported = false;
    const settle = (result: GuestOutcome) => {
      if (reported) return;
      reported = true;
      void cleanup().then(() => resolve(result));
    };
    worker.on('message', (message: unknown) => {
      if (isControlRequest(message)) {
        void host.handle(message);
      } else if ((message as { kind?: string }).kind === 'outcome') {
        settle((message as { outcome: GuestOutcome }).outcome);
        void worker.terminate();
      }
    });
    worker.on('error', (err) => settle({ kind: 'trap', message: `host error in the guest thread: ${err.message}` }));
    worker.on('exit', () => settle({ kind: 'trap', message: 'the guest thread ended unexpectedly' }));
  });

  return {
    outcome,
    async kill() {
      await worker.terminate();
      await cleanup();
    },
  };
}
