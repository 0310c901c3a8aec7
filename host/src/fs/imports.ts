// The preview 1 file calls on --dir mounts in Node: every path goes through
// the sandbox (fs/mount.ts) and then one synchronous node:fs call, made by
// the guest's worker. File data moves straight between guest memory and the
// host descriptor (readv/writev on views of guest memory, no copies), so
// writing or reading a file of any size costs the host nothing but the
// guest's own buffers. Descriptors that are not on a mount (the browser
// shim's in-memory files, stdio, sockets) fall through to `base`.

import {
  constants, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, closeSync, fstatSync,
  readlinkSync, renameSync, rmdirSync, symlinkSync, unlinkSync,
} from 'node:fs';
import type { Fd } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import { DIRENT, FDFLAGS, FILETYPE, LOOKUPFLAGS, OFLAGS, RIGHT, RIGHTS_DIRECTORY, RIGHTS_FILE } from '../abi/wasi.js';
import { GuestError, type GuestMemory } from '../wasi/guest-memory.js';
import { allocateFd } from '../wasi/fd-table.js';
import { guarded, writeFilestat } from '../wasi/file-imports.js';
import { resolve, targetStaysInside, type Mount, type Resolved } from './mount.js';
import { filetypeOf, hostCall, MAX_OPEN_FILES, newTimes, NodeDirFd, NodeFileFd, OpenFiles, toFilestat } from './node-fd.js';

type Import = (...args: never[]) => number;

export interface HostFsContext {
  mem: GuestMemory;
  fds: (Fd | undefined)[];
}

const encoder = new TextEncoder();

function lstatOrNull(path: string) {
  try {
    return lstatSync(path, { bigint: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') return null;
    throw err;
  }
}

/** A resolved path's host path; `slash` keeps a trailing slash for the kernel to judge. */
function hostOf(mount: Mount, r: Resolved, slash = r.trailingSlash): string {
  return r.name === null ? mount.hostPath(r.dir) : mount.hostPath(r.dir, r.name) + (slash ? '/' : '');
}

/**
 * For calls that never follow a final symbolic link (unlink, rmdir, rename,
 * mkdir, symlink, link's new name, readlink): the path with its trailing
 * slashes taken off, and whether it had any. The sandbox then leaves the
 * last component unresolved.
 */
function noFollow(mount: Mount, base: string[], path: string): { r: Resolved; slash: boolean; isLink: boolean; exists: boolean } {
  const stripped = path.replace(/\/+$/, '');
  const slash = stripped.length !== path.length;
  if (stripped === '' && path !== '') throw new GuestError(E.NOTCAPABLE); // "/" and friends: absolute
  const r = resolve(mount, base, stripped, false);
  if (r.name === null) return { r, slash, isLink: false, exists: true };
  const st = hostCall(() => lstatOrNull(mount.hostPath(r.dir, r.name)));
  return { r, slash, isLink: st?.isSymbolicLink() ?? false, exists: st !== null };
}

export function hostFsImports(ctx: HostFsContext, base: Record<string, Import>): Record<string, Import> {
  const { mem } = ctx;
  const open = new OpenFiles();
  const fallback = (name: string, ...args: unknown[]) => (base[name] as unknown as (...a: unknown[]) => number)(...args);

  /** The directory a path call starts from; null when it is not on a mount (the shim answers). */
  const dirAt = (fd: number): NodeDirFd | null => {
    const obj = ctx.fds[fd];
    if (obj === undefined) throw new GuestError(E.BADF);
    if (obj instanceof NodeDirFd) return obj;
    if (obj instanceof NodeFileFd) throw new GuestError(E.NOTDIR);
    return null;
  };

  const writable = (mount: Mount) => {
    if (mount.readOnly) throw new GuestError(E.ROFS);
  };

  const io = (fd: number, iovs: number, iovcnt: number, outPtr: number, dir: 'read' | 'write', at: bigint | null, name: string): number => {
    const obj = ctx.fds[fd];
    if (obj instanceof NodeDirFd) {
      return guarded(() => {
        mem.iovecs(iovs, iovcnt);
        mem.check(outPtr, 4);
        return dir === 'read' ? E.ISDIR : E.BADF;
      });
    }
    if (!(obj instanceof NodeFileFd)) return at === null ? fallback(name, fd, iovs, iovcnt, outPtr) : fallback(name, fd, iovs, iovcnt, at, outPtr);
    return guarded(() => {
      const bufs = mem.iovecs(iovs, iovcnt);
      mem.check(outPtr, 4);
      if (at !== null && at < 0n) return E.INVAL;
      const n = dir === 'read' ? obj.readInto(bufs, at) : obj.writeFrom(bufs, at);
      mem.u32(outPtr, n);
      return 0;
    });
  };

  return {
    fd_read: (fd: number, iovs: number, iovcnt: number, out: number) => io(fd, iovs, iovcnt, out, 'read', null, 'fd_read'),
    fd_write: (fd: number, iovs: number, iovcnt: number, out: number) => io(fd, iovs, iovcnt, out, 'write', null, 'fd_write'),
    fd_pread: ((fd: number, iovs: number, iovcnt: number, offset: bigint, out: number) => io(fd, iovs, iovcnt, out, 'read', BigInt.asIntN(64, offset), 'fd_pread')) as Import,
    fd_pwrite: ((fd: number, iovs: number, iovcnt: number, offset: bigint, out: number) => io(fd, iovs, iovcnt, out, 'write', BigInt.asIntN(64, offset), 'fd_pwrite')) as Import,

    fd_datasync: (fd: number) => {
      const obj = ctx.fds[fd];
      return obj instanceof NodeFileFd ? obj.datasync() : fallback('fd_datasync', fd);
    },

    fd_filestat_set_times: ((fd: number, atim: bigint, mtim: bigint, flags: number) => {
      const obj = ctx.fds[fd];
      if (obj instanceof NodeFileFd && obj.mount.readOnly) return E.ROFS;
      return fallback('fd_filestat_set_times', fd, atim, mtim, flags);
    }) as Import,

    fd_readdir: ((fd: number, buf: number, bufLen: number, cookie: bigint, usedOut: number) => {
      const obj = ctx.fds[fd];
      if (obj instanceof NodeFileFd) return E.NOTDIR;
      if (!(obj instanceof NodeDirFd)) return fallback('fd_readdir', fd, buf, bufLen, cookie, usedOut);
      return guarded(() => {
        const out = mem.bytes(buf, bufLen);
        mem.check(usedOut, 4);
        let used = 0;
        let next = BigInt.asUintN(64, cookie);
        for (const entry of obj.entries(next)) {
          if (used >= out.length) break;
          next++;
          const name = encoder.encode(entry.name);
          const record = new Uint8Array(DIRENT.size + name.length);
          const view = new DataView(record.buffer);
          view.setBigUint64(DIRENT.next, next, true);
          view.setBigUint64(DIRENT.ino, obj.inodeOf(entry.name), true);
          view.setUint32(DIRENT.namlen, name.length, true);
          view.setUint8(DIRENT.type, entry.type);
          record.set(name, DIRENT.size);
          // The last entry may be cut short: the guest asks again from its cookie with a bigger buffer.
          const take = Math.min(record.length, out.length - used);
          out.set(record.subarray(0, take), used);
          used += take;
        }
        mem.u32(usedOut, used);
        return 0;
      });
    }) as Import,

    path_open: ((dirfd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number, rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdOut: number) =>
      pathCall(dirfd, () => fallback('path_open', dirfd, dirflags, pathPtr, pathLen, oflags, rightsBase, rightsInheriting, fdflags, fdOut), (at) => {
        const path = mem.path(pathPtr, pathLen);
        mem.check(fdOut, 4);
        const { mount } = at;
        const create = (oflags & OFLAGS.CREAT) !== 0;
        const exclusive = create && (oflags & OFLAGS.EXCL) !== 0;
        // O_CREAT|O_EXCL never follows a final symbolic link (EEXIST), as in the kernel.
        const follow = (dirflags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0 && !exclusive;
        const r = resolve(mount, at.rel, path, follow);
        const wantsWrite = (rightsBase & RIGHT.FD_WRITE) !== 0n;
        const wantsRead = (rightsBase & (RIGHT.FD_READ | RIGHT.FD_READDIR)) !== 0n;
        const truncate = (oflags & OFLAGS.TRUNC) !== 0;
        const st = r.name === null ? hostCall(() => lstatSync(mount.hostPath(r.dir), { bigint: true })) : hostCall(() => lstatOrNull(mount.hostPath(r.dir, r.name!)));
        const openDir = (rel: string[]) => {
          if (exclusive) throw new GuestError(E.EXIST);
          if (wantsWrite || truncate || create) throw new GuestError(E.ISDIR);
          const child = new NodeDirFd(mount, rel, rightsBase & RIGHTS_DIRECTORY, rightsInheriting & (RIGHTS_DIRECTORY | RIGHTS_FILE));
          child.fdflags = fdflags & (FDFLAGS.APPEND | FDFLAGS.NONBLOCK);
          mem.u32(fdOut, allocateFd(ctx.fds, child));
        };
        if (r.name === null) return openDir(r.dir);
        if (st !== null && st.isDirectory()) return openDir([...r.dir, r.name]);
        if (st === null && !create) throw new GuestError(E.NOENT);
        if (mount.readOnly && ((create && st === null) || truncate || wantsWrite)) throw new GuestError(E.ROFS);
        if (open.count >= MAX_OPEN_FILES) throw new GuestError(E.MFILE);
        let flags = (wantsWrite ? (wantsRead ? constants.O_RDWR : constants.O_WRONLY) : constants.O_RDONLY) | constants.O_NOFOLLOW;
        if (create) flags |= constants.O_CREAT;
        if (exclusive) flags |= constants.O_EXCL;
        if (truncate) flags |= constants.O_TRUNC;
        if (oflags & OFLAGS.DIRECTORY) flags |= constants.O_DIRECTORY;
        if (fdflags & FDFLAGS.DSYNC) flags |= constants.O_DSYNC;
        if (fdflags & (FDFLAGS.SYNC | FDFLAGS.RSYNC)) flags |= constants.O_SYNC;
        if (fdflags & FDFLAGS.NONBLOCK) flags |= constants.O_NONBLOCK;
        const hostFd = hostCall(() => openSync(hostOf(mount, r), flags, 0o666));
        let filetype: number;
        try {
          filetype = filetypeOf(hostCall(() => fstatSync(hostFd)));
        } catch (err) {
          closeSync(hostFd);
          throw err;
        }
        if (filetype === FILETYPE.DIRECTORY) {
          closeSync(hostFd);
          return openDir([...r.dir, r.name]);
        }
        open.count++;
        const file = new NodeFileFd(mount, hostFd, filetype, wantsRead || !wantsWrite, wantsWrite, fdflags & 0x1f, rightsBase & RIGHTS_FILE, rightsInheriting & RIGHTS_FILE, open);
        mem.u32(fdOut, allocateFd(ctx.fds, file));
      })) as Import,

    path_create_directory: (fd: number, pathPtr: number, pathLen: number) => {
      const path = () => mem.path(pathPtr, pathLen);
      return pathCall(fd, () => fallback('path_create_directory', fd, pathPtr, pathLen), (at) => {
        const { r, exists } = noFollow(at.mount, at.rel, path());
        if (r.name === null || exists) throw new GuestError(E.EXIST);
        writable(at.mount);
        hostCall(() => mkdirSync(hostOf(at.mount, r, false), 0o777));
      });
    },

    path_remove_directory: (fd: number, pathPtr: number, pathLen: number) =>
      pathCall(fd, () => fallback('path_remove_directory', fd, pathPtr, pathLen), (at) => {
        const { r, slash, isLink } = noFollow(at.mount, at.rel, mem.path(pathPtr, pathLen));
        // rmdir("..") is ENOTEMPTY, rmdir(".") EINVAL, as the kernel says for a last component that is no name.
        if (r.name === null) throw new GuestError(r.last === '..' ? E.NOTEMPTY : E.INVAL);
        if (slash && isLink) throw new GuestError(E.NOTDIR);
        writable(at.mount);
        hostCall(() => rmdirSync(hostOf(at.mount, r, slash)));
      }),

    path_unlink_file: (fd: number, pathPtr: number, pathLen: number) =>
      pathCall(fd, () => fallback('path_unlink_file', fd, pathPtr, pathLen), (at) => {
        const { r, slash, isLink } = noFollow(at.mount, at.rel, mem.path(pathPtr, pathLen));
        if (r.name === null) throw new GuestError(E.ISDIR);
        if (slash && isLink) throw new GuestError(E.NOTDIR);
        writable(at.mount);
        hostCall(() => unlinkSync(hostOf(at.mount, r, slash)));
      }),

    path_filestat_get: (fd: number, flags: number, pathPtr: number, pathLen: number, out: number) =>
      pathCall(fd, () => fallback('path_filestat_get', fd, flags, pathPtr, pathLen, out), (at) => {
        const r = resolve(at.mount, at.rel, mem.path(pathPtr, pathLen), (flags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
        mem.check(out, 64);
        // Symbolic links on the way, the final one too when following, were expanded by the sandbox: lstat follows nothing.
        writeFilestat(mem, out, toFilestat(hostCall(() => lstatSync(hostOf(at.mount, r), { bigint: true }))));
      }),

    path_filestat_set_times: ((fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fstFlags: number) =>
      pathCall(fd, () => fallback('path_filestat_set_times', fd, flags, pathPtr, pathLen, atim, mtim, fstFlags), (at) => {
        const r = resolve(at.mount, at.rel, mem.path(pathPtr, pathLen), (flags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
        const host = hostOf(at.mount, r);
        const times = newTimes(fstFlags, atim, mtim, () => hostCall(() => lstatSync(host, { bigint: true })));
        writable(at.mount);
        hostCall(() => lutimesSync(host, times.atime, times.mtime));
      })) as Import,

    path_readlink: (fd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, usedOut: number) =>
      pathCall(fd, () => fallback('path_readlink', fd, pathPtr, pathLen, buf, bufLen, usedOut), (at) => {
        const path = mem.path(pathPtr, pathLen);
        const out = mem.bytes(buf, bufLen);
        mem.check(usedOut, 4);
        const { r, slash, isLink, exists } = noFollow(at.mount, at.rel, path);
        if (r.name === null) throw new GuestError(E.INVAL);
        if (!exists) throw new GuestError(E.NOENT);
        if (slash || !isLink) {
          // "link/" names what the link leads to, which is no link: resolved by the sandbox, never by the kernel.
          resolve(at.mount, at.rel, path, true);
          throw new GuestError(E.INVAL);
        }
        const target = hostCall(() => readlinkSync(hostOf(at.mount, r, false), { encoding: 'buffer' }));
        // As readlink(2): cut to the buffer, no terminator.
        const n = Math.min(target.length, out.length);
        out.set(target.subarray(0, n));
        mem.u32(usedOut, n);
      }),

    path_symlink: (oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) =>
      pathCall(fd, () => fallback('path_symlink', oldPtr, oldLen, fd, newPtr, newLen), (at) => {
        const target = mem.path(oldPtr, oldLen);
        const { r, slash, exists } = noFollow(at.mount, at.rel, mem.path(newPtr, newLen));
        if (r.name === null || exists) throw new GuestError(E.EXIST);
        if (slash) throw new GuestError(E.NOENT);
        writable(at.mount);
        // A link whose target leaves the mount would be a way out for
        // whoever follows it on the host: refused when it is made.
        if (!targetStaysInside(r.dir, target)) throw new GuestError(target === '' ? E.NOENT : E.PERM);
        hostCall(() => symlinkSync(target, hostOf(at.mount, r, false)));
      }),

    path_link: (oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) =>
      pathCall(oldFd, () => fallback('path_link', oldFd, oldFlags, oldPtr, oldLen, newFd, newPtr, newLen), (from) => {
        const to = dirAt(newFd);
        if (to === null) throw new GuestError(E.XDEV);
        const old = resolve(from.mount, from.rel, mem.path(oldPtr, oldLen), (oldFlags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
        const { r, slash, exists } = noFollow(to.mount, to.rel, mem.path(newPtr, newLen));
        if (old.name === null) throw new GuestError(E.PERM);
        if (r.name === null || exists) throw new GuestError(E.EXIST);
        if (slash) throw new GuestError(E.NOENT);
        writable(to.mount);
        hostCall(() => linkSync(hostOf(from.mount, old), hostOf(to.mount, r, false)));
      }),

    path_rename: (oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) =>
      pathCall(oldFd, () => fallback('path_rename', oldFd, oldPtr, oldLen, newFd, newPtr, newLen), (from) => {
        const to = dirAt(newFd);
        if (to === null) throw new GuestError(E.XDEV);
        const a = noFollow(from.mount, from.rel, mem.path(oldPtr, oldLen));
        const b = noFollow(to.mount, to.rel, mem.path(newPtr, newLen));
        if (a.r.name === null || b.r.name === null) throw new GuestError(E.BUSY);
        if ((a.slash && a.isLink) || (b.slash && b.isLink)) throw new GuestError(E.NOTDIR);
        writable(from.mount);
        writable(to.mount);
        hostCall(() => renameSync(hostOf(from.mount, a.r, a.slash), hostOf(to.mount, b.r, b.slash)));
      }),
  };

  /** A path call from `fd`: on a mount it runs `body`, elsewhere the shim answers. */
  function pathCall(fd: number, shim: () => number, body: (at: NodeDirFd) => void): number {
    let at: NodeDirFd | null = null;
    const errno = guarded(() => {
      at = dirAt(fd);
      return 0;
    });
    if (errno !== 0) return errno;
    if (at === null) return shim();
    const dir: NodeDirFd = at;
    return guarded(() => {
      hostCall(() => body(dir));
      return 0;
    });
  }
}
