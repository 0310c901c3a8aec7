// Assembles the one import module a guest gets, wasi_snapshot_preview1, in
// layers, each falling back to the one below for descriptors it does not own:
//   1. browser_wasi_shim's base WASI (args, environ, clocks, random, its
//      in-memory files);
//   2. the descriptor calls every fd answers, with memory checks and one
//      numbering for files and sockets (file-imports.ts);
//   3. the embedder's host file system, if any (Node: --dir, fs/imports.ts);
//   4. sockets, socket-aware fd_read/fd_write/fd_close, and poll_oneoff.
// The same list answers "does wasock provide this import?".

import { WASI } from '@bjorn3/browser_wasi_shim';
import { pollOneoff } from './poll.js';
import { blockUntil } from './blocking.js';
import { E } from '../abi/errno.js';
import { socketImports, streamImports, type SocketContext } from './socket-imports.js';
import { fileImports, type FileContext } from './file-imports.js';
import { DUP_IMPORT_NAMES, dupImports, releaseDuplicate } from './dup.js';
import { PIPE_IMPORT_NAMES, pipeImports, pipeStreamImports } from './pipe.js';
import { SIGNAL_IMPORT_NAMES, signalImports } from './signal-imports.js';
import type { GuestSignals } from './guest-signals.js';
import { TIMED_OUT } from './blocking.js';
import { EPOLL_IMPORT_NAMES, epollImports, forgetClosed } from './epoll.js';
import { REVERSE_IMPORT_NAMES, reverseImports } from './reverse-lookup.js';
import { noThreads, THREAD_IMPORT_NAMES, threadImports, type ThreadHost } from './threads.js';
import { wakeGuest } from '../bridge/signals.js';

export const IMPORT_MODULE = 'wasi_snapshot_preview1';

type AnyImport = (...args: never[]) => unknown;

/** An embedder's file system layer (3 above): imports for the descriptors it owns, `below` for the rest. */
export type HostFsLayer = (ctx: FileContext, below: Record<string, (...args: never[]) => number>) => Record<string, (...args: never[]) => number>;

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

/** `threads`: how this host mode runs pthreads (default: none, with one stderr line). */
export function guestImports(wasi: WASI, ctx: SocketContext, signals: GuestSignals, hostFs?: HostFsLayer, threads?: ThreadHost): Record<string, AnyImport> {
  type NumImport = (...args: never[]) => number;
  const base = Object.fromEntries(Object.entries(wasi.wasiImport as Record<string, AnyImport>).map(([name, fn]) => [name, faultsAsErrno(fn)])) as Record<string, NumImport>;
  const files: FileContext = { mem: ctx.mem, fds: ctx.fds };
  // fd_renumber closes its target with the top layer's fd_close (a socket's close included).
  let all: Record<string, AnyImport> = {};
  const withFds = { ...base, ...fileImports(files, base, (fd) => (all.fd_close as (fd: number) => number)(fd)) };
  const withHost = hostFs ? { ...withFds, ...hostFs(files, withFds) } : withFds;
  const fallback = { fd_read: withHost.fd_read, fd_write: withHost.fd_write, fd_close: withHost.fd_close };
  const ours: Record<string, AnyImport> = {
    ...socketImports(ctx),
    ...streamImports(ctx, fallback),
    poll_oneoff: pollOneoff(ctx.arena, ctx.mem, ctx.fds),
  };
  const pipes = { ...pipeImports(files, (ready) => blockUntil(ctx.arena, Infinity, () => (ready() ? true : undefined)) !== TIMED_OUT, () => wakeGuest(ctx.arena)), ...pipeStreamImports(files, { fd_read: ours.fd_read as NumImport, fd_write: ours.fd_write as NumImport }) };
  all = {
    ...withHost,
    ...ours,
    ...pipes,
    ...epollImports({ mem: ctx.mem, fds: ctx.fds, arena: ctx.arena }),
    ...reverseImports(ctx),
    ...dupImports(files, (fd) => (all.fd_close as (fd: number) => number)(fd)),
    ...signalImports({ arena: ctx.arena, mem: ctx.mem, signals }),
    ...threadImports(ctx.arena, ctx.mem, threads ?? noThreads(ctx.deny)),
  };
  // A descriptor whose object has another number (dup) only gives up its
  // number; closing the last one also takes the object off every epoll
  // interest list, as Linux does when the open file description goes.
  for (const name of ['fd_close', 'sock_close'] as const) {
    const close = all[name] as (fd: number) => number;
    all[name] = (fd: number) => {
      if (releaseDuplicate(ctx.fds, fd)) return 0;
      const obj = ctx.fds[fd];
      const errno = close(fd);
      if (obj !== undefined && ctx.fds[fd] !== obj) forgetClosed(obj);
      return errno;
    };
  }
  return all;
}

/** Names of every import wasock provides in IMPORT_MODULE. */
export function providedImportNames(): Set<string> {
  const wasi = new WASI([], [], [], { debug: false });
  // Nothing is called: the closures only need a context shape to exist.
  const ctx = { fds: [] } as unknown as SocketContext;
  return new Set([...Object.keys(wasi.wasiImport), ...Object.keys(socketImports(ctx)), 'poll_oneoff', ...DUP_IMPORT_NAMES, ...PIPE_IMPORT_NAMES, ...EPOLL_IMPORT_NAMES, ...REVERSE_IMPORT_NAMES, ...SIGNAL_IMPORT_NAMES, ...THREAD_IMPORT_NAMES]);
}
