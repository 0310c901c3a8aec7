// Web Worker entry: runs one guest with the shared host core and reports
// everything it produces (output, trace events, denied operations, how it
// ended) to the page, whose main thread is the I/O thread.

import { runGuest } from '../wasi/guest.js';
import type { WorkerReport, WorkerStart } from './messages.js';
import { flushWhileAsleep, TraceBatch } from './trace-batch.js';
import { DirSync, memoryPreopen, memoryDirImports } from './memory-dir.js';

/** The worker global as this file uses it (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerStart>) => void, options?: { once?: boolean }): void;
}

const scope = self as unknown as WorkerScope;
const report = (message: WorkerReport) => scope.postMessage(message);

scope.addEventListener('message', (event) => {
  const { init } = event.data;
  const traces = new TraceBatch((events) => report({ kind: 'trace', events }));
  if (init.trace) flushWhileAsleep(traces);
  const dir = memoryPreopen(event.data.dir ?? []);
  const dirSync = new DirSync(dir, (entries) => report({ kind: 'dir', entries }));
  flushWhileAsleep(dirSync);
  let outcome: WorkerReport & { kind: 'outcome' };
  try {
    const result = runGuest(init, {
      // A copy: the bytes are a view into guest memory, which must neither be
      // cloned whole nor change before the page reads them.
      write: (fd, bytes) => report({ kind: 'output', fd, bytes: bytes.slice() }),
      trace: init.trace ? (trace) => traces.add(trace, performance.timeOrigin + performance.now()) : null,
      deny: (line) => report({ kind: 'deny', line }),
      // The browser has no host directories to offer: one in memory, fd 3.
      preopens: [dir],
      hostFs: memoryDirImports(() => dirSync.changed()),
    });
    outcome = { kind: 'outcome', outcome: result };
  } catch (err) {
    outcome = { kind: 'outcome', outcome: { kind: 'trap', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } };
  }
  // The page draws the end after the last calls, and has the final files before the end.
  traces.flush();
  dirSync.flush();
  report(outcome);
}, { once: true });
