// What the browser's guest worker tells the page, besides the control
// requests the shared launcher routes to the socket host. One definition for
// both ends so the worker and the page cannot drift apart.

import type { GuestInit, GuestOutcome } from '../wasi/guest.js';
import type { TimedTrace } from './trace-batch.js';

/** The page's start message. */
export interface WorkerStart {
  init: GuestInit;
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
  | { kind: 'outcome'; outcome: GuestOutcome };

export function isWorkerReport(message: unknown): message is WorkerReport {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === 'output' || kind === 'trace' || kind === 'deny' || kind === 'outcome';
}
