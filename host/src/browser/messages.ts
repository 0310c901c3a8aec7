// What the browser's guest worker tells the page, besides the control
// requests the shared launcher routes to the socket host. One definition for
// both ends so the worker and the page cannot drift apart.

import type { GuestInit, GuestOutcome } from '../wasi/guest.js';
import type { TimedTrace } from './trace-batch.js';
import type { DirEntry } from './memory-dir.js';

/** The page's start message. */
export interface WorkerStart {
  init: GuestInit;
  /** What the guest's directory (memory-dir.ts, BROWSER_DIR) holds at start. */
  dir?: DirEntry[];
}

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
  | { kind: 'outcome'; outcome: GuestOutcome };

export function isWorkerReport(message: unknown): message is WorkerReport {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === 'output' || kind === 'trace' || kind === 'deny' || kind === 'dir' || kind === 'outcome';
}
