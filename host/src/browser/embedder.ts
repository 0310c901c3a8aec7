// What a browser guest needs around it, in either host mode: its output,
// trace events and denials as reports to the page (messages.ts), and its
// /data directory in the worker's memory (memory-dir.ts). How held-back
// reports leave while the guest waits is the mode's: worker mode sends them
// while it sleeps in Atomics.wait (trace-batch.ts flushWhileAsleep), JSPI
// mode by a timer while it is suspended (flushByTimer).

import type { GuestEmbedder } from '../wasi/guest.js';
import type { WorkerReport } from './messages.js';
import { TraceBatch, type Deferred } from './trace-batch.js';
import { DirSync, memoryDirImports, memoryPreopen, type DirEntry } from './memory-dir.js';

export interface BrowserEmbedder {
  embedder: GuestEmbedder;
  /** The held-back reports (trace batches, directory snapshots). */
  deferred: Deferred[];
  /** Sends whatever is held back: at the guest's end, before its outcome. */
  flush(): void;
}

/** `held(d)` is called each time `d` gets something to send later. */
export function browserEmbedder(options: { trace: boolean; dir: DirEntry[] }, report: (message: WorkerReport) => void, held: (deferred: Deferred) => void = () => {}): BrowserEmbedder {
  const traces = new TraceBatch((events) => report({ kind: 'trace', events }));
  const dir = memoryPreopen(options.dir);
  const dirSync = new DirSync(dir, (entries) => report({ kind: 'dir', entries }));
  return {
    embedder: {
      // A copy: the bytes are a view into guest memory, which must neither be
      // cloned whole nor change before the page reads them.
      write: (fd, bytes) => report({ kind: 'output', fd, bytes: bytes.slice() }),
      trace: options.trace
        ? (trace) => {
            traces.add(trace, performance.timeOrigin + performance.now());
            held(traces);
          }
        : null,
      deny: (line) => report({ kind: 'deny', line }),
      // The browser has no host directories to offer: one in memory, fd 3.
      preopens: [dir],
      hostFs: memoryDirImports(() => {
        dirSync.changed();
        held(dirSync);
      }),
    },
    deferred: options.trace ? [traces, dirSync] : [dirSync],
    // The page draws the end after the last calls, and has the final files before the end.
    flush() {
      traces.flush();
      dirSync.flush();
    },
  };
}
