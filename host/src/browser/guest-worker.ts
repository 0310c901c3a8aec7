// Web Worker entry for one guest, in either host mode. Worker mode: runs
// the guest synchronously with the shared host core, the page's main thread
// being its I/O thread. JSPI mode (jspi-worker.ts): this worker is the
// guest's I/O thread too. Either way everything the guest produces (output,
// trace events, denied operations, its files, how it ended) is reported to
// the page.

import { runGuest } from '../wasi/guest.js';
import type { JspiStart, WorkerReport, WorkerStart } from './messages.js';
import { flushWhileAsleep } from './trace-batch.js';
import { browserEmbedder } from './embedder.js';
import { runJspiWorker, type WorkerScope } from './jspi-worker.js';

const scope = self as unknown as WorkerScope;
const report = (message: WorkerReport) => scope.postMessage(message);

function runWorkerMode(start: WorkerStart): void {
  const { init } = start;
  const browser = browserEmbedder({ trace: init.trace, dir: start.dir ?? [] }, report);
  for (const deferred of browser.deferred) flushWhileAsleep(deferred);
  let outcome: WorkerReport & { kind: 'outcome' };
  try {
    outcome = { kind: 'outcome', outcome: runGuest(init, browser.embedder) };
  } catch (err) {
    outcome = { kind: 'outcome', outcome: { kind: 'trap', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } };
  }
  browser.flush();
  report(outcome);
}

scope.addEventListener('message', (event) => {
  const start = event.data as WorkerStart | JspiStart;
  if (start.mode === 'jspi') runJspiWorker(start, scope);
  else runWorkerMode(start);
}, { once: true });
