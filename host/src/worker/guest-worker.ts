// Node worker entry (worker mode): receives the GuestInit from run.js, runs
// the guest, and reports how it ended.

import { parentPort } from 'node:worker_threads';
import { runGuest, type GuestInit } from '../wasi/guest.js';
import type { DirMapping } from './preopens.js';
import { nodeEmbedder } from './node-embedder.js';

parentPort!.once('message', (message: { init: GuestInit; dirs: DirMapping[]; captureOutput?: boolean }) => {
  const { init, dirs } = message;
  // captureOutput: the starting thread wants the output as messages (a
  // copy: the bytes may be a view into guest memory) instead of on fds 1, 2.
  const out = message.captureOutput
    ? (fd: 1 | 2, bytes: Uint8Array) => parentPort!.postMessage({ kind: 'output', fd, bytes: bytes.slice() })
    : undefined;
  let outcome;
  try {
    outcome = runGuest(init, nodeEmbedder({ trace: init.trace, dirs, out }));
  } catch (err) {
    outcome = { kind: 'trap' as const, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  parentPort!.postMessage({ kind: 'outcome', outcome });
});
