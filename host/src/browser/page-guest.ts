// Starts a guest in a Web Worker with the page's main thread as its I/O
// thread (worker mode): adapts the Worker and a pushed stdin (the terminal)
// to the shared launcher (io/guest-launch.ts). The backend is the caller's
// choice: the in-page virtual network or the relay. JSPI mode's page side
// is jspi-page-guest.ts, with the same options and handle.

import type { ArenaGeometry } from '../bridge/arena.js';
import { launchGuest, type GuestEnd, type GuestThread } from '../io/guest-launch.js';
import { StdinFeed } from '../io/stdin-feed.js';
import type { NetBackend } from '../net/backend.js';
import type { NetPolicy } from '../net/policy.js';
import type { TraceEvent } from '../wasi/trace.js';
import { isWorkerReport, type WorkerReport, type WorkerStart } from './messages.js';
import type { DirEntry } from './memory-dir.js';

/**
 * A tab runs several guests and each arena is allocated whole, so the
 * browser uses far fewer sockets per guest than Node's default.
 */
export const BROWSER_GEOMETRY: ArenaGeometry = { maxSockets: 64, ringBytes: 128 * 1024 };

export interface PageGuestOptions {
  module: WebAssembly.Module;
  /** argv, including argv[0]. */
  args: string[];
  env?: string[];
  policy: NetPolicy;
  backend: NetBackend;
  /** URL of the bundled worker entry (guest-worker.js). */
  workerUrl: URL | string;
  geometry?: ArenaGeometry;
  /** Whether stdin/stdout/stderr are a terminal to the guest (isatty). */
  tty?: boolean;
  onOutput(fd: 1 | 2, bytes: Uint8Array): void;
  /** Socket calls; `at` is wall-clock ms (see browser/messages.ts). Omit to run without tracing. */
  onTrace?(event: TraceEvent, at: number): void;
  onDeny(line: string): void;
  /** What the guest's directory (memory-dir.ts) holds at start. */
  dir?: DirEntry[];
  /** The guest's directory, whole, as the program changes it and once more at its end. */
  onDir?(entries: DirEntry[]): void;
}

export interface PageGuest {
  /** Push typed input here; end() is EOF. */
  readonly stdin: { push(bytes: Uint8Array): void; end(): void };
  readonly outcome: Promise<GuestEnd>;
  kill(): Promise<void>;
}

/** Hands a guest worker's report to the page's callbacks (the outcome is the caller's). */
export function deliverReport(message: WorkerReport, options: PageGuestOptions): void {
  switch (message.kind) {
    case 'output': options.onOutput(message.fd, message.bytes); break;
    case 'trace': for (const t of message.events) options.onTrace?.(t.event, t.at); break;
    case 'deny': options.onDeny(message.line); break;
    case 'dir': options.onDir?.(message.entries); break;
    case 'outcome': break;
  }
}

/** The guest's Web Worker, named after the program (as devtools list it). */
export function guestWorker(options: PageGuestOptions): Worker {
  return new Worker(options.workerUrl, { type: 'module', name: options.args[0] });
}

function webThread(worker: Worker): GuestThread {
  return {
    post: (message) => worker.postMessage(message as WorkerStart),
    listen(handlers) {
      worker.addEventListener('message', (event) => handlers.message(event.data));
      worker.addEventListener('error', (event) => {
        // Handled here: the page reports it as the program's end, not as an uncaught error.
        event.preventDefault();
        handlers.error(event.message || 'the worker script failed to load');
      });
      worker.addEventListener('messageerror', () => handlers.error('a message from the guest thread could not be read'));
      // A Web Worker has no exit event: it ends only by terminate() or by
      // closing itself, which the guest worker never does.
    },
    terminate: () => worker.terminate(),
  };
}

export function startPageGuest(options: PageGuestOptions): PageGuest {
  const tty = options.tty ?? true;
  const guest = launchGuest({
    module: options.module,
    args: options.args,
    env: options.env ?? [],
    policy: options.policy,
    trace: options.onTrace !== undefined,
    tty: { stdin: tty, stdout: tty, stderr: tty },
    geometry: options.geometry ?? BROWSER_GEOMETRY,
    backend: options.backend,
    extra: { dir: options.dir ?? [] },
    thread: webThread(guestWorker(options)),
    // Typed input is pushed as it arrives; a terminal has no way to pause the user.
    stdin: (arena) => {
      const feed = new StdinFeed(arena);
      return { feed, start() {}, stop: () => feed.stop() };
    },
    onMessage(message) {
      if (isWorkerReport(message)) deliverReport(message, options);
    },
  });
  return { stdin: guest.stdin, outcome: guest.outcome, kill: () => guest.kill() };
}
