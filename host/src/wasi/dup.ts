// dup, dup2, dup3 and fcntl(F_DUPFD): two numbers in the one descriptor
// table for the same Fd object, as two descriptors share one open file
// description in POSIX — one socket (shutdown acts on it, its O_NONBLOCK is
// shared), one file offset, one stdio stream. The object closes only with
// its last number: `releaseDuplicate` answers a close that only drops a
// number. The import is wasock's own (preview 1 has no dup; docs/abi.md).

import type { Fd } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import { fdAt, guarded, type FileContext } from './file-imports.js';

/** The highest descriptor number (RLIMIT_NOFILE - 1 for a guest). */
export const MAX_FD = 65535;

/** Numbers beyond the first that name each Fd object (absent: only one). */
const extraRefs = new WeakMap<Fd, number>();

/**
 * Called before a descriptor is closed: when its object has another number,
 * drops this one (the table slot only) and returns true; otherwise false,
 * and the caller closes the object itself.
 */
export function releaseDuplicate(fds: (Fd | undefined)[], fd: number): boolean {
  const obj = fds[fd];
  if (obj === undefined) return false;
  const extra = extraRefs.get(obj) ?? 0;
  if (extra === 0) return false;
  if (extra === 1) extraRefs.delete(obj);
  else extraRefs.set(obj, extra - 1);
  fds[fd] = undefined;
  return true;
}

/** Whether another descriptor names the same object as `fd`. */
export function isDuplicated(fds: (Fd | undefined)[], fd: number): boolean {
  const obj = fds[fd];
  return obj !== undefined && (extraRefs.get(obj) ?? 0) > 0;
}

/** Mode argument of wasock_fd_dup. */
export const DUP_LOWEST = 0; // F_DUPFD: the lowest free number >= target
export const DUP_EXACT = 1; // dup2: exactly target, closing what it held

export const DUP_IMPORT_NAMES = ['wasock_fd_dup'] as const;

export function dupImports(ctx: FileContext, close: (fd: number) => number): Record<string, (...args: never[]) => number> {
  return {
    /** wasock_fd_dup(fd, target, mode, *fd_out) -> errno. */
    wasock_fd_dup: (fd: number, target: number, mode: number, out: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        ctx.mem.check(out, 4);
        let to: number;
        if (mode === DUP_EXACT) {
          if (target < 0 || target > MAX_FD) return E.BADF;
          if (target === fd) {
            ctx.mem.u32(out, fd);
            return 0;
          }
          if (ctx.fds[target] !== undefined) {
            // dup2 closes the target silently: its close error is not dup2's.
            close(target);
          }
          to = target;
        } else if (mode === DUP_LOWEST) {
          if (target < 0 || target > MAX_FD) return E.INVAL;
          to = target;
          while (ctx.fds[to] !== undefined) to++;
          if (to > MAX_FD) return E.MFILE;
        } else {
          return E.INVAL;
        }
        ctx.fds[to] = obj;
        extraRefs.set(obj, (extraRefs.get(obj) ?? 0) + 1);
        ctx.mem.u32(out, to);
        return 0;
      }),
  };
}
