// What a guest needs from Node around it, wherever it runs (the worker
// thread of worker mode, or run.js's own thread in JSPI mode): output with
// fs.writeSync so it is on the terminal before the guest exits, in order;
// trace and denial lines; --dir preopens; the direct send path's OS write.

import { writeSync, writevSync } from 'node:fs';
import type { GuestEmbedder } from '../wasi/guest.js';
import { formatTrace } from '../wasi/trace.js';
import { errnoFromNodeError } from '../abi/errno.js';
import { openPreopens, type DirMapping } from './preopens.js';
import { hostFsImports } from '../fs/imports.js';

export function writeAll(fd: number, bytes: Uint8Array): void {
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
 * write(2)/writev(2) on a socket the I/O side lent. 0 when the socket buffer
 * is full, a negative WASI errno on any other failure.
 */
export function directWrite(fd: number, chunks: Uint8Array[]): number {
  try {
    return chunks.length === 1 ? writeSync(fd, chunks[0]) : writevSync(fd, chunks);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'EAGAIN' || code === 'EWOULDBLOCK' ? 0 : -errnoFromNodeError(err);
  }
}

const encoder = new TextEncoder();

/** `out` takes stdout and stderr (fd 1 and 2 of this process by default). */
export function nodeEmbedder(options: { trace: boolean; dirs: DirMapping[]; out?: (fd: 1 | 2, bytes: Uint8Array) => void }): GuestEmbedder {
  const out = options.out ?? writeAll;
  return {
    write: (fd, bytes) => out(fd, bytes),
    trace: options.trace ? (event) => out(2, encoder.encode(`[wasock] ${formatTrace(event)}\n`)) : null,
    deny: (line) => out(2, encoder.encode(`${line}\n`)),
    preopens: openPreopens(options.dirs),
    hostFs: hostFsImports,
    directWrite,
  };
}
