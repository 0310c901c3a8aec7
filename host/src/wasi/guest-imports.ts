// Assembles the one import module a guest gets, wasi_snapshot_preview1:
// browser_wasi_shim's base WASI (args, environ, clocks, random, files) with
// ours layered on top (sockets, socket-aware fd_read/fd_write/fd_close, and
// poll_oneoff). The same list answers "does wasock provide this import?".

import { WASI } from '@bjorn3/browser_wasi_shim';
import { pollOneoff } from './poll.js';
import { E } from '../abi/errno.js';
import { socketImports, streamImports, type SocketContext } from './socket-imports.js';

export const IMPORT_MODULE = 'wasi_snapshot_preview1';

type AnyImport = (...args: never[]) => unknown;

/**
 * browser_wasi_shim reads guest memory with DataView and lets a bad pointer's
 * RangeError escape, which would trap the guest. A bad pointer is EFAULT.
 */
function faultsAsErrno(fn: AnyImport): AnyImport {
  return (...args: never[]) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof RangeError) return E.FAULT;
      throw err;
    }
  };
}

export function guestImports(wasi: WASI, ctx: SocketContext): Record<string, AnyImport> {
  const base = Object.fromEntries(Object.entries(wasi.wasiImport as Record<string, AnyImport>).map(([name, fn]) => [name, faultsAsErrno(fn)]));
  const fallback = {
    fd_read: base.fd_read as (...args: never[]) => number,
    fd_write: base.fd_write as (...args: never[]) => number,
    fd_close: base.fd_close as (...args: never[]) => number,
  };
  const ours: Record<string, AnyImport> = {
    ...socketImports(ctx),
    ...streamImports(ctx, fallback),
    poll_oneoff: pollOneoff(ctx.arena, ctx.mem, ctx.fds),
  };
  return { ...base, ...ours };
}

/** Names of every import wasock provides in IMPORT_MODULE. */
export function providedImportNames(): Set<string> {
  const wasi = new WASI([], [], [], { debug: false });
  // Nothing is called: the closures only need a context shape to exist.
  const ctx = { fds: [] } as unknown as SocketContext;
  return new Set([...Object.keys(wasi.wasiImport), ...Object.keys(socketImports(ctx)), 'poll_oneoff']);
}
