// The preview 1 descriptor calls every kind of fd answers (files, directories,
// sockets, stdio), dispatched through browser_wasi_shim's `Fd` interface but
// with wasock's memory checks: the shim writes its structs with DataView and
// would leave half an answer behind a bad pointer, and numbers a new file at
// the end of its table instead of the lowest free descriptor. Used in Node
// and in the browser; Node's host-directory calls (fs/imports.ts) come on top.

import type { Fd } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import { ADVICE_MAX, FDSTAT, FILESTAT, PRESTAT } from '../abi/wasi.js';
import { allocateFd } from './fd-table.js';
import { GuestError, guarded, type GuestMemory } from './guest-memory.js';

type Import = (...args: never[]) => number;

export interface FileContext {
  mem: GuestMemory;
  fds: (Fd | undefined)[];
}

// Import bodies run through guest-memory's guarded(), as the socket imports do.
export { guarded };

export function fdAt(ctx: FileContext, fd: number): Fd {
  const obj = ctx.fds[fd];
  if (obj === undefined) throw new GuestError(E.BADF);
  return obj;
}

const U64_MAX = (1n << 64n) - 1n;

export function fileImports(ctx: FileContext, base: Record<string, Import>, close: (fd: number) => number): Record<string, Import> {
  const { mem } = ctx;
  const call = (name: string, ...args: unknown[]) => (base[name] as unknown as (...a: unknown[]) => number)(...args);

  return {
    fd_fdstat_get: (fd: number, out: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        mem.check(out, FDSTAT.size);
        const { ret, fdstat } = obj.fd_fdstat_get();
        if (ret !== 0 || fdstat === null) return ret || E.BADF;
        const view = mem.view();
        const p = out >>> 0;
        for (let i = 0; i < FDSTAT.size; i += 8) view.setBigUint64(p + i, 0n, true);
        view.setUint8(p + FDSTAT.filetype, fdstat.fs_filetype);
        view.setUint16(p + FDSTAT.flags, fdstat.fs_flags, true);
        view.setBigUint64(p + FDSTAT.rightsBase, fdstat.fs_rights_base, true);
        view.setBigUint64(p + FDSTAT.rightsInheriting, fdstat.fs_rights_inherited, true);
        return 0;
      }),

    fd_filestat_get: (fd: number, out: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        mem.check(out, FILESTAT.size);
        const { ret, filestat } = obj.fd_filestat_get();
        if (ret !== 0 || filestat === null) return ret || E.BADF;
        writeFilestat(mem, out, filestat);
        return 0;
      }),

    fd_prestat_get: (fd: number, out: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        const { ret, prestat } = obj.fd_prestat_get();
        // wasi-libc stops scanning for preopens only at BADF.
        if (ret !== 0 || prestat === null) return ret === 0 ? E.BADF : ret;
        mem.check(out, PRESTAT.size);
        mem.u32(out + PRESTAT.tag, 0);
        mem.u32(out + PRESTAT.nameLen, prestat.inner.pr_name.length);
        return 0;
      }),

    fd_prestat_dir_name: (fd: number, ptr: number, len: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        const { ret, prestat } = obj.fd_prestat_get();
        if (ret !== 0 || prestat === null) return ret === 0 ? E.BADF : ret;
        const name = prestat.inner.pr_name;
        if ((len >>> 0) < name.length) return E.NAMETOOLONG;
        mem.bytes(ptr, name.length).set(name);
        return 0;
      }),

    fd_seek: ((fd: number, offset: bigint, whence: number, out: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        mem.check(out, 8);
        const r = obj.fd_seek(offset, whence);
        if (r.ret !== 0) return r.ret;
        mem.u64(out, r.offset);
        return 0;
      })) as Import,

    fd_tell: (fd: number, out: number) =>
      guarded(() => {
        const obj = fdAt(ctx, fd);
        mem.check(out, 8);
        const r = obj.fd_tell();
        if (r.ret !== 0) return r.ret;
        mem.u64(out, r.offset);
        return 0;
      }),

    fd_advise: ((fd: number, offset: bigint, len: bigint, advice: number) =>
      guarded(() => {
        fdAt(ctx, fd);
        // posix_fadvise: bad advice or a negative range is EINVAL; advice is only a hint.
        if (advice < 0 || advice > ADVICE_MAX || offset < 0n || len < 0n || offset > U64_MAX) return E.INVAL;
        return 0;
      })) as Import,

    fd_fdstat_set_flags: (fd: number, flags: number) => guarded(() => fdAt(ctx, fd).fd_fdstat_set_flags(flags & 0xffff)),

    fd_fdstat_set_rights: ((fd: number, rightsBase: bigint, rightsInheriting: bigint) =>
      guarded(() => fdAt(ctx, fd).fd_fdstat_set_rights(rightsBase, rightsInheriting))) as Import,

    // fd_renumber(from, to): `to` is closed first (as dup2 does) and `from` takes its number.
    fd_renumber: (from: number, to: number) =>
      guarded(() => {
        fdAt(ctx, from);
        fdAt(ctx, to);
        if (from === to) return 0;
        const errno = close(to);
        if (errno !== 0) return errno;
        ctx.fds[to] = ctx.fds[from];
        ctx.fds[from] = undefined;
        return 0;
      }),

    // The shim appends a new descriptor at the end of its table: moved to the lowest free number.
    path_open: ((dirfd: number, dirflags: number, path: number, pathLen: number, oflags: number, base_: bigint, inheriting: bigint, fdflags: number, fdOut: number) =>
      guarded(() => {
        fdAt(ctx, dirfd);
        mem.path(path, pathLen);
        mem.check(fdOut, 4);
        const errno = call('path_open', dirfd, dirflags, path, pathLen, oflags, base_, inheriting, fdflags, fdOut);
        if (errno !== 0) return errno;
        const at = mem.readU32(fdOut);
        const obj = ctx.fds[at]!;
        ctx.fds[at] = undefined;
        while (ctx.fds.length > 0 && ctx.fds[ctx.fds.length - 1] === undefined) ctx.fds.pop();
        mem.u32(fdOut, allocateFd(ctx.fds, obj));
        return 0;
      })) as Import,
  };
}

export function writeFilestat(mem: GuestMemory, out: number, st: { dev: bigint; ino: bigint; filetype: number; nlink: bigint; size: bigint; atim: bigint; mtim: bigint; ctim: bigint }): void {
  mem.check(out, FILESTAT.size);
  const view = mem.view();
  const p = out >>> 0;
  for (let i = 0; i < FILESTAT.size; i += 8) view.setBigUint64(p + i, 0n, true);
  view.setBigUint64(p + FILESTAT.dev, BigInt.asUintN(64, st.dev), true);
  view.setBigUint64(p + FILESTAT.ino, BigInt.asUintN(64, st.ino), true);
  view.setUint8(p + FILESTAT.filetype, st.filetype);
  view.setBigUint64(p + FILESTAT.nlink, BigInt.asUintN(64, st.nlink), true);
  view.setBigUint64(p + FILESTAT.fileSize, BigInt.asUintN(64, st.size), true);
  view.setBigUint64(p + FILESTAT.atim, BigInt.asUintN(64, st.atim), true);
  view.setBigUint64(p + FILESTAT.mtim, BigInt.asUintN(64, st.mtim), true);
  view.setBigUint64(p + FILESTAT.ctim, BigInt.asUintN(64, st.ctim), true);
}
