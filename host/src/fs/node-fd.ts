// Files and directories of a --dir mount as browser_wasi_shim `Fd`s over
// node:fs. The shim's own file system keeps whole files in memory (its
// File holds a Uint8Array), which cannot follow a host directory that
// changes under the guest, costs the directory's size at start, and never
// writes back; these classes keep only a host descriptor (files) or a path
// (directories), and every call is a synchronous node:fs call from the
// guest's worker.
//
// The Fd interface is implemented for what it can express; the calls whose
// shim dispatch assumes in-memory inodes (rename, link, symlink, readlink,
// readdir, open) are answered in fs/imports.ts, which also reads and writes
// guest memory directly (no copies for fd_read/fd_write).

import {
  closeSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync, openSync,
  readvSync, writevSync, lstatSync, readdirSync, type BigIntStats, type Dirent,
} from 'node:fs';
import { Fd, wasi as shimWasi } from '@bjorn3/browser_wasi_shim';
import { E, errnoFromNodeError } from '../abi/errno.js';
import { FDFLAGS, FILETYPE, RIGHTS_DIRECTORY, RIGHTS_FILE, WHENCE } from '../abi/wasi.js';
import { GuestError } from '../wasi/guest-memory.js';
import type { Mount } from './mount.js';

export function filetypeOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean; isSocket(): boolean }): number {
  if (st.isFile()) return FILETYPE.REGULAR_FILE;
  if (st.isDirectory()) return FILETYPE.DIRECTORY;
  if (st.isSymbolicLink()) return FILETYPE.SYMBOLIC_LINK;
  if (st.isBlockDevice()) return FILETYPE.BLOCK_DEVICE;
  if (st.isCharacterDevice()) return FILETYPE.CHARACTER_DEVICE;
  if (st.isSocket()) return FILETYPE.SOCKET_STREAM;
  return FILETYPE.UNKNOWN;
}

export function toFilestat(st: BigIntStats): shimWasi.Filestat {
  const fs = new shimWasi.Filestat(st.ino, filetypeOf(st), st.size);
  fs.dev = st.dev;
  fs.nlink = st.nlink;
  fs.atim = st.atimeNs;
  fs.mtim = st.mtimeNs;
  fs.ctim = st.ctimeNs;
  return fs;
}

/** Runs a node:fs call; its error becomes the guest's errno. */
export function hostCall<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof GuestError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    // A DataView past the end of guest memory: a bad pointer.
    if (err instanceof RangeError && code === undefined) throw new GuestError(E.FAULT);
    // No code: not from node:fs but a bug of ours, which must show.
    if (typeof code !== 'string') throw err;
    throw new GuestError(errnoOfHostError(err));
  }
}

/**
 * A node:fs error as a WASI errno (abi/errno.ts's table; EIO for anything
 * unexpected). Node's own argument errors (ERR_*) are arguments the guest
 * gave that node:fs refused: EINVAL.
 */
export function errnoOfHostError(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_')) return E.INVAL;
  return errnoFromNodeError(err);
}

const ok = (body: () => void): number => {
  try {
    body();
    return 0;
  } catch (err) {
    return err instanceof GuestError ? err.errno : errnoOfHostError(err);
  }
};

/** Host descriptors a guest may hold open at once (Linux's default soft RLIMIT_NOFILE). */
export const MAX_OPEN_FILES = 1024;

export class OpenFiles {
  count = 0;
}

/**
 * What every descriptor below a mount answers the same way: its flags and
 * rights (fd_fdstat_get / set_flags / set_rights).
 */
abstract class HostFd extends Fd {
  abstract readonly filetype: number;
  abstract fdflags: number;
  abstract rightsBase: bigint;
  abstract rightsInheriting: bigint;

  override fd_fdstat_get(): { ret: number; fdstat: shimWasi.Fdstat | null } {
    const fdstat = new shimWasi.Fdstat(this.filetype, this.fdflags);
    fdstat.fs_rights_base = this.rightsBase;
    fdstat.fs_rights_inherited = this.rightsInheriting;
    return { ret: 0, fdstat };
  }

  override fd_fdstat_set_flags(flags: number): number {
    // As fcntl(F_SETFL) on Linux: only O_APPEND and O_NONBLOCK change.
    const changeable = FDFLAGS.APPEND | FDFLAGS.NONBLOCK;
    this.fdflags = (this.fdflags & ~changeable) | (flags & changeable);
    return 0;
  }

  override fd_fdstat_set_rights(base: bigint, inheriting: bigint): number {
    if ((base & ~this.rightsBase) !== 0n || (inheriting & ~this.rightsInheriting) !== 0n) return E.NOTCAPABLE;
    this.rightsBase = base;
    this.rightsInheriting = inheriting;
    return 0;
  }
}

/** A regular file (or other non-directory) opened below a mount. */
export class NodeFileFd extends HostFd {
  position = 0n;
  private closed = false;

  constructor(
    readonly mount: Mount,
    readonly hostFd: number,
    readonly filetype: number,
    readonly readable: boolean,
    readonly writable: boolean,
    /** fdflags: APPEND and NONBLOCK may change later (fcntl F_SETFL). */
    public fdflags: number,
    public rightsBase: bigint,
    public rightsInheriting: bigint,
    private readonly open: OpenFiles,
  ) {
    super();
  }

  /** Positional I/O works on files and block devices; pipes and terminals have no offset. */
  get seekable(): boolean {
    return this.filetype === FILETYPE.REGULAR_FILE || this.filetype === FILETYPE.BLOCK_DEVICE;
  }

  /** Reads into guest memory at the current position (or `at`); returns the count. */
  readInto(dsts: Uint8Array[], at: bigint | null): number {
    if (!this.readable) throw new GuestError(E.BADF);
    const nonEmpty = dsts.filter((d) => d.length > 0);
    if (nonEmpty.length === 0) return 0;
    const position = this.seekable ? (at ?? this.position) : null;
    if (at !== null && !this.seekable) throw new GuestError(E.SPIPE);
    const n = hostCall(() => readvSync(this.hostFd, nonEmpty, position === null ? undefined : Number(position)));
    if (at === null && this.seekable) this.position += BigInt(n);
    return n;
  }

  /** Writes guest bytes at the current position (end of file in append mode, or `at`). */
  writeFrom(srcs: Uint8Array[], at: bigint | null): number {
    if (!this.writable) throw new GuestError(E.BADF);
    const nonEmpty = srcs.filter((d) => d.length > 0);
    if (nonEmpty.length === 0) return 0;
    if (at !== null && !this.seekable) throw new GuestError(E.SPIPE);
    // Append is emulated (the host descriptor never has O_APPEND, which
    // Node could not clear again for fcntl(F_SETFL)): the write goes to the
    // size fstat reports. Linux's pwrite on an O_APPEND file appends too.
    const append = (this.fdflags & FDFLAGS.APPEND) !== 0 && this.seekable;
    let position: bigint | null = this.seekable ? (at ?? this.position) : null;
    if (append) position = hostCall(() => fstatSync(this.hostFd, { bigint: true })).size;
    const n = hostCall(() => writevSync(this.hostFd, nonEmpty, position === null ? undefined : Number(position)));
    if (this.seekable && at === null) this.position = position! + BigInt(n);
    return n;
  }

  override fd_close(): number {
    if (this.closed) return 0;
    this.closed = true;
    this.open.count--;
    return ok(() => closeSync(this.hostFd));
  }

  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    try {
      return { ret: 0, filestat: toFilestat(hostCall(() => fstatSync(this.hostFd, { bigint: true }))) };
    } catch (err) {
      return { ret: (err as GuestError).errno, filestat: null };
    }
  }

  override fd_filestat_set_size(size: bigint): number {
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return E.FBIG;
    return ok(() => hostCall(() => ftruncateSync(this.hostFd, Number(size))));
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    return ok(() => {
      const times = newTimes(fstFlags, atim, mtim, () => hostCall(() => fstatSync(this.hostFd, { bigint: true })));
      hostCall(() => futimesSync(this.hostFd, times.atime, times.mtime));
    });
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    // posix_fallocate: the file is at least offset+len long afterwards.
    return ok(() => {
      if (!this.writable) throw new GuestError(E.BADF);
      if (this.filetype !== FILETYPE.REGULAR_FILE) throw new GuestError(this.filetype === FILETYPE.DIRECTORY ? E.ISDIR : E.NODEV);
      if (len === 0n) throw new GuestError(E.INVAL);
      const end = offset + len;
      if (end > BigInt(Number.MAX_SAFE_INTEGER)) throw new GuestError(E.FBIG);
      const size = hostCall(() => fstatSync(this.hostFd, { bigint: true })).size;
      if (end > size) hostCall(() => ftruncateSync(this.hostFd, Number(end)));
    });
  }

  override fd_seek(offset: bigint, whence: number): { ret: number; offset: bigint } {
    if (!this.seekable) return { ret: E.SPIPE, offset: 0n };
    let base: bigint;
    if (whence === WHENCE.SET) base = 0n;
    else if (whence === WHENCE.CUR) base = this.position;
    else if (whence === WHENCE.END) {
      try {
        base = hostCall(() => fstatSync(this.hostFd, { bigint: true })).size;
      } catch (err) {
        return { ret: (err as GuestError).errno, offset: 0n };
      }
    } else return { ret: E.INVAL, offset: 0n };
    const next = base + offset;
    if (next < 0n || next > (1n << 63n) - 1n) return { ret: E.INVAL, offset: 0n };
    this.position = next;
    return { ret: 0, offset: next };
  }

  override fd_tell(): { ret: number; offset: bigint } {
    if (!this.seekable) return { ret: E.SPIPE, offset: 0n };
    return { ret: 0, offset: this.position };
  }

  override fd_sync(): number {
    return ok(() => hostCall(() => fsyncSync(this.hostFd)));
  }

  datasync(): number {
    return ok(() => hostCall(() => fdatasyncSync(this.hostFd)));
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    const data = new Uint8Array(size);
    try {
      const n = this.readInto([data], null);
      return { ret: 0, data: data.subarray(0, n) };
    } catch (err) {
      return { ret: (err as GuestError).errno, data: new Uint8Array() };
    }
  }

  override fd_pread(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    const data = new Uint8Array(size);
    try {
      const n = this.readInto([data], offset);
      return { ret: 0, data: data.subarray(0, n) };
    } catch (err) {
      return { ret: (err as GuestError).errno, data: new Uint8Array() };
    }
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    try {
      return { ret: 0, nwritten: this.writeFrom([data], null) };
    } catch (err) {
      return { ret: (err as GuestError).errno, nwritten: 0 };
    }
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    try {
      return { ret: 0, nwritten: this.writeFrom([data], offset) };
    } catch (err) {
      return { ret: (err as GuestError).errno, nwritten: 0 };
    }
  }

  /** A file is not a preopen: wasi-libc's scan of fds 3.. skips it. */
  override fd_prestat_get(): { ret: number; prestat: shimWasi.Prestat | null } {
    return { ret: E.BADF, prestat: null };
  }
}

/** Times for futimes/utimes from preview 1's fst_flags (the other time kept). */
export function newTimes(fstFlags: number, atim: bigint, mtim: bigint, current: () => BigIntStats): { atime: number; mtime: number } {
  const ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8;
  if ((fstFlags & ATIM && fstFlags & ATIM_NOW) || (fstFlags & MTIM && fstFlags & MTIM_NOW)) throw new GuestError(E.INVAL);
  if (fstFlags & ~(ATIM | ATIM_NOW | MTIM | MTIM_NOW)) throw new GuestError(E.INVAL);
  const now = Date.now() / 1000;
  const keep = (fstFlags & (ATIM | ATIM_NOW)) === 0 || (fstFlags & (MTIM | MTIM_NOW)) === 0 ? current() : null;
  const seconds = (ns: bigint) => Number(ns / 1000n) / 1e6;
  const atime = fstFlags & ATIM_NOW ? now : fstFlags & ATIM ? seconds(atim) : seconds(keep!.atimeNs);
  const mtime = fstFlags & MTIM_NOW ? now : fstFlags & MTIM ? seconds(mtim) : seconds(keep!.mtimeNs);
  return { atime, mtime };
}

interface DirEntry {
  name: string;
  type: number;
}

/**
 * A directory below a mount (a preopen is one with a guest name). It holds
 * no host descriptor, only its components below the mount's root; the
 * entries fd_readdir serves are listed when the guest starts (cookie 0)
 * and kept until it starts again, so cookies stay valid between calls.
 */
export class NodeDirFd extends HostFd {
  private listing: DirEntry[] | null = null;
  readonly filetype = FILETYPE.DIRECTORY;
  fdflags = 0;

  constructor(
    readonly mount: Mount,
    readonly rel: string[],
    public rightsBase: bigint = RIGHTS_DIRECTORY,
    public rightsInheriting: bigint = RIGHTS_DIRECTORY | RIGHTS_FILE,
    /** The preopen's name, or null for a directory the guest opened. */
    readonly preopenName: string | null = null,
  ) {
    super();
  }

  get hostPath(): string {
    return this.mount.hostPath(this.rel);
  }

  /** Entries from `cookie` on (index + 1 is the next cookie); "." and ".." first, as getdents lists them. */
  entries(cookie: bigint): DirEntry[] {
    if (cookie === 0n || this.listing === null) {
      const list: Dirent[] = hostCall(() => readdirSync(this.hostPath, { withFileTypes: true }));
      this.listing = [{ name: '.', type: FILETYPE.DIRECTORY }, { name: '..', type: FILETYPE.DIRECTORY }, ...list.map((d) => ({ name: d.name, type: filetypeOf(d) }))];
    }
    return cookie >= BigInt(this.listing.length) ? [] : this.listing.slice(Number(cookie));
  }

  /** The inode number of an entry (0 when it vanished since the listing). */
  inodeOf(name: string): bigint {
    // ".." of the mount's root is the root itself: nothing above it is visible.
    const path = name === '.' ? this.hostPath : name === '..' ? this.mount.hostPath(this.rel.slice(0, -1)) : this.mount.hostPath(this.rel, name);
    try {
      return lstatSync(path, { bigint: true }).ino;
    } catch {
      return 0n;
    }
  }

  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    try {
      return { ret: 0, filestat: toFilestat(hostCall(() => lstatSync(this.hostPath, { bigint: true }))) };
    } catch (err) {
      return { ret: (err as GuestError).errno, filestat: null };
    }
  }

  override fd_filestat_set_size(): number {
    return E.ISDIR;
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    return ok(() => {
      if (this.mount.readOnly) throw new GuestError(E.ROFS);
      const times = newTimes(fstFlags, atim, mtim, () => hostCall(() => lstatSync(this.hostPath, { bigint: true })));
      withDirFd(this.hostPath, (fd) => futimesSync(fd, times.atime, times.mtime));
    });
  }

  override fd_allocate(): number {
    return E.ISDIR;
  }

  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: E.ISDIR, offset: 0n };
  }

  override fd_tell(): { ret: number; offset: bigint } {
    return { ret: E.ISDIR, offset: 0n };
  }

  override fd_sync(): number {
    return ok(() => withDirFd(this.hostPath, (fd) => fsyncSync(fd)));
  }

  override fd_read(): { ret: number; data: Uint8Array } {
    return { ret: E.ISDIR, data: new Uint8Array() };
  }

  override fd_pread(): { ret: number; data: Uint8Array } {
    return { ret: E.ISDIR, data: new Uint8Array() };
  }

  override fd_write(): { ret: number; nwritten: number } {
    return { ret: E.BADF, nwritten: 0 };
  }

  override fd_pwrite(): { ret: number; nwritten: number } {
    return { ret: E.BADF, nwritten: 0 };
  }

  override fd_prestat_get(): { ret: number; prestat: shimWasi.Prestat | null } {
    if (this.preopenName === null) return { ret: E.BADF, prestat: null };
    return { ret: 0, prestat: shimWasi.Prestat.dir(this.preopenName) };
  }

  override fd_readdir_single(cookie: bigint): { ret: number; dirent: shimWasi.Dirent | null } {
    try {
      const [entry] = this.entries(cookie);
      if (entry === undefined) return { ret: 0, dirent: null };
      return { ret: 0, dirent: new shimWasi.Dirent(cookie + 1n, this.inodeOf(entry.name), entry.name, entry.type) };
    } catch (err) {
      return { ret: (err as GuestError).errno, dirent: null };
    }
  }
}

/** A short-lived host descriptor on a directory (fsync, futimes). */
function withDirFd(path: string, body: (fd: number) => void): void {
  const fd = hostCall(() => openSync(path, 'r'));
  try {
    hostCall(() => body(fd));
  } finally {
    closeSync(fd);
  }
}
