// What the page and a browser guest's worker tell each other. Worker mode:
// the page's start message, then the worker's reports, besides the control
// requests the shared launcher routes to the socket host. JSPI mode: a start
// message carrying the network's port (net/port/), then the page's input
// and stop, and the same reports. One definition for both ends so the
// worker and the page cannot drift apart.

import type { ArenaGeometry } from '../bridge/arena.js';
import type { GuestEnd } from '../io/guest-launch.js';
import type { GuestInit } from '../wasi/guest.js';
import type { TimedTrace } from './trace-batch.js';
import type { DirEntry } from './dir-entry.js';

/** The page's start message in worker mode. */
export interface WorkerStart {
  mode?: 'worker';
  init: GuestInit;
  /** What the guest's directory (memory-dir.ts, BROWSER_DIR) holds at start. */
  dir?: DirEntry[];
}

/** The page's start message in JSPI mode: the worker is the guest's I/O thread too. */
export interface JspiStart {
  mode: 'jspi';
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  /** NetPolicy.toJSON(). */
  policy: unknown;
  trace: boolean;
  tty: GuestInit['tty'];
  geometry: ArenaGeometry;
  dir: DirEntry[];
  /** The page's network, served over this port (net/port/serve.ts). */
  network: MessagePort;
}

/** The page's messages to a running JSPI-mode worker. */
export type JspiInput =
  | { kind: 'stdin'; bytes: Uint8Array }
  | { kind: 'stdin-end' }
  /** Stop the guest; its sockets close as at any exit, then the outcome is 'killed'. */
  | { kind: 'stop' };

export type WorkerReport =
  | { kind: 'output'; fd: 1 | 2; bytes: Uint8Array }
  /**
   * Trace events in the order of the calls, batched (trace-batch.ts). Each
   * `at` is wall-clock milliseconds (timeOrigin + now) so events of several
   * workers share one timeline.
   */
  | { kind: 'trace'; events: TimedTrace[] }
  | { kind: 'deny'; line: string }
  /** The guest's whole directory as it is now (memory-dir.ts): while it runs, and once more at its end. */
  | { kind: 'dir'; entries: DirEntry[] }
  /** Worker mode reports the guest's own end; JSPI mode, whose worker also runs stop(), 'killed' as well. */
  | { kind: 'outcome'; outcome: GuestEnd };

export function isWorkerReport(message: unknown): message is WorkerReport {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === 'output' || kind === 'trace' || kind === 'deny' || kind === 'dir' || kind === 'outcome';
}
