// Node worker entry: receives the GuestInit from run.js, runs the guest, and
// reports how it ended. stdout/stderr are written with fs.writeSync so the
// guest's output is on the terminal before it exits, in order.

import { parentPort } from 'node:worker_threads';
import { writeSync, writevSync } from 'node:fs';
import { runGuest, type GuestInit } from '../wasi/guest.js';
import { formatTrace } from '../wasi/trace.js';
import { errnoFromNodeError } from '../abi/errno.js';
import { openPreopens, type DirMapping } from './preopens.js';
import { hostFsImports } from '../fs/imports.js';

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      // A non-blocking pipe that is full: wait a moment and retry.
      if ((err as { code?: string }).code !== 'EAGAIN') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/**
 * The direct send path's OS write (bridge/direct-send.ts): one non-blocking
 * write(2)/writev(2) on a socket the I/O thread lent. 0 when the socket buffer
 * is full, a negative WASI errno on any other failure.
 */
function directWrite(fd: number, chunks: Uint8Array[]): number {
  try {
    return chunks.length === 1 ? writeSync(fd, chunks[0]) : writevSync(fd, chunks);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'EAGAIN' || code === 'EWOULDBLOCK' ? 0 : -errnoFromNodeError(err);
  }
}

const encoder = new TextEncoder();

parentPort!.once('message', (message: { init: GuestInit; dirs: DirMapping[]; captureOutput?: boolean }) => {
  const { init, dirs } = message;
  // captureOutput: the starting thread wants the output as messages (a
  // copy: the bytes may be a view into guest memory) instead of on fds 1, 2.
  const out = message.captureOutput
    ? (fd: 1 | 2, bytes: Uint8Array) => parentPort!.postMessage({ kind: 'output', fd, bytes: bytes.slice() })
    : writeAll;
  let outcome;
  try {
    outcome = runGuest(init, {
      write: (fd, bytes) => out(fd, bytes),
      trace: init.trace ? (event) => out(2, encoder.encode(`[wasock] ${formatTrace(event)}\n`)) : null,
      deny: (line) => out(2, encoder.encode(`${line}\n`)),
      preopens: openPreopens(dirs),
      hostFs: hostFsImports,
      directWrite,
    });
  } catch (err) {
    outcome = { kind: 'trap' as const, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  parentPort!.postMessage({ kind: 'outcome', outcome });
});
