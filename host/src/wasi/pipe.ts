// pipe()/pipe2() inside one guest: two Fd objects over one in-memory buffer
// of 64 KiB (Linux's default pipe size). Nothing but the guest itself fills
// or drains a pipe: a blocking read of an empty pipe whose write end is open
// (or a blocking write to a full one) waits through the guest's one blocking
// primitive (blockUntil) for another of its threads (JSPI mode's green
// threads, jspi/green-threads.ts) to write, read or close — every such
// change wakes the waiters. In a single-threaded program that change never
// comes: natively the program hangs there, and so it does here, asleep
// (suspended in JSPI mode, so signals and Ctrl-C still reach the host); a
// signal with a handler ends the wait with EINTR. Reads see EOF once every
// write end is closed; writes fail with EPIPE once every read end is (and
// raise SIGPIPE: signal-imports.ts).
// poll_oneoff asks `readiness` (poll.ts).

import { Fd, wasi as shimWasi } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import { FDFLAGS, FILETYPE, RIGHT } from '../abi/wasi.js';
import { allocateFd } from './fd-table.js';
import { guarded, type FileContext } from './file-imports.js';
import type { Activity } from './readiness.js';

export const PIPE_CAPACITY = 65536;
/** Writes up to this size are all or nothing (POSIX PIPE_BUF). */
export const PIPE_BUF = 4096;

class PipeBuffer {
  /** `changed`: called after every change a waiting end may wait for. */
  constructor(readonly changed: () => void) {}
  bytes = new Uint8Array(PIPE_CAPACITY);
  start = 0;
  used = 0;
  readers = 1;
  writers = 1;
  /** For epoll's edges: bytes ever written, and reads that made room in a pipe too full to write. */
  written = 0;
  roomMade = 0;

  take(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.used));
    // Linux's pipe_read wakes writers when it drains a full pipe.
    if (out.length > 0 && PIPE_CAPACITY - this.used < PIPE_BUF) this.roomMade++;
    for (let i = 0; i < out.length; i++) out[i] = this.bytes[(this.start + i) % PIPE_CAPACITY];
    this.start = (this.start + out.length) % PIPE_CAPACITY;
    this.used -= out.length;
    if (out.length > 0) this.changed();
    return out;
  }

  put(data: Uint8Array): number {
    const n = Math.min(data.length, PIPE_CAPACITY - this.used);
    for (let i = 0; i < n; i++) this.bytes[(this.start + this.used + i) % PIPE_CAPACITY] = data[i];
    this.used += n;
    this.written += n;
    if (n > 0) this.changed();
    return n;
  }
}

/** Blocks the guest until `ready` holds (blocking.ts's blockUntil over the guest's arena); false when a signal ended the wait. */
export type PipeWait = (ready: () => boolean) => boolean;

export interface PipeReadiness {
  ready: boolean;
  nbytes: number;
  hangup: boolean;
  error: number;
}

abstract class PipeEnd extends Fd {
  nonblocking = false;
  constructor(readonly pipe: PipeBuffer, private readonly rights: bigint, protected readonly wait: PipeWait) {
    super();
  }
  override fd_fdstat_get(): { ret: number; fdstat: shimWasi.Fdstat | null } {
    const fdstat = new shimWasi.Fdstat(FILETYPE.UNKNOWN, this.nonblocking ? FDFLAGS.NONBLOCK : 0);
    fdstat.fs_rights_base = this.rights;
    fdstat.fs_rights_inherited = 0n;
    return { ret: 0, fdstat };
  }
  override fd_fdstat_set_flags(flags: number): number {
    this.nonblocking = (flags & FDFLAGS.NONBLOCK) !== 0;
    return 0;
  }
  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    return { ret: 0, filestat: new shimWasi.Filestat(0n, FILETYPE.UNKNOWN, BigInt(this.pipe.used)) };
  }
  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: E.SPIPE, offset: 0n };
  }
  override fd_prestat_get(): { ret: number; prestat: shimWasi.Prestat | null } {
    return { ret: E.BADF, prestat: null };
  }
  abstract readiness(write: boolean): PipeReadiness | null;
  /** Linux wakes a pipe's readers on every write (epoll included), its writers when a read frees a full pipe, both when an end closes. */
  activity(): Activity {
    return { rx: this.pipe.written, tx: this.pipe.roomMade, state: (this.pipe.readers === 0 ? 1 : 0) | (this.pipe.writers === 0 ? 2 : 0) };
  }
}

export class PipeReadFd extends PipeEnd {
  constructor(pipe: PipeBuffer, wait: PipeWait) {
    super(pipe, RIGHT.FD_READ | RIGHT.FD_FDSTAT_SET_FLAGS | RIGHT.FD_FILESTAT_GET | RIGHT.POLL_FD_READWRITE, wait);
  }
  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (size === 0) return { ret: 0, data: new Uint8Array(0) };
    const readable = () => this.pipe.used > 0 || this.pipe.writers === 0;
    if (!this.nonblocking) {
      // Called whether or not it must wait: in JSPI mode a re-run of this
      // import must meet the same blocking calls as the first run.
      if (!this.wait(readable)) return { ret: E.INTR, data: new Uint8Array(0) };
    } else if (!readable()) {
      return { ret: E.AGAIN, data: new Uint8Array(0) };
    }
    return { ret: 0, data: this.pipe.take(size) };
  }
  override fd_write(): { ret: number; nwritten: number } {
    return { ret: E.BADF, nwritten: 0 };
  }
  override fd_close(): number {
    this.pipe.readers--;
    this.pipe.changed();
    return 0;
  }
  readiness(write: boolean): PipeReadiness | null {
    if (write) return null; // never writable
    const hangup = this.pipe.writers === 0;
    return this.pipe.used > 0 || hangup ? { ready: true, nbytes: this.pipe.used, hangup, error: 0 } : null;
  }
}

export class PipeWriteFd extends PipeEnd {
  constructor(pipe: PipeBuffer, wait: PipeWait) {
    super(pipe, RIGHT.FD_WRITE | RIGHT.FD_FDSTAT_SET_FLAGS | RIGHT.FD_FILESTAT_GET | RIGHT.POLL_FD_READWRITE, wait);
  }
  override fd_read(): { ret: number; data: Uint8Array } {
    return { ret: E.BADF, data: new Uint8Array(0) };
  }
  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (this.pipe.readers === 0) return { ret: E.PIPE, nwritten: 0 };
    if (data.length === 0) return { ret: 0, nwritten: 0 };
    const free = () => PIPE_CAPACITY - this.pipe.used;
    // Up to PIPE_BUF bytes go in whole; more may go in part.
    const writable = () => this.pipe.readers === 0 || (free() > 0 && (data.length > PIPE_BUF || free() >= data.length));
    if (!this.nonblocking) {
      if (!this.wait(writable)) return { ret: E.INTR, nwritten: 0 }; // always: see fd_read
    }
    else if (!writable()) return { ret: E.AGAIN, nwritten: 0 };
    if (this.pipe.readers === 0) return { ret: E.PIPE, nwritten: 0 };
    return { ret: 0, nwritten: this.pipe.put(data) };
  }
  override fd_close(): number {
    this.pipe.writers--;
    this.pipe.changed();
    return 0;
  }
  readiness(write: boolean): PipeReadiness | null {
    if (!write) return null;
    if (this.pipe.readers === 0) return { ready: true, nbytes: 0, hangup: false, error: E.PIPE };
    const free = PIPE_CAPACITY - this.pipe.used;
    return free >= PIPE_BUF ? { ready: true, nbytes: free, hangup: false, error: 0 } : null;
  }
}

export function isPipeEnd(obj: Fd | undefined): obj is PipeReadFd | PipeWriteFd {
  return obj instanceof PipeEnd;
}

export const PIPE_IMPORT_NAMES = ['wasock_pipe'] as const;

/** `changed`: tells blocked calls to look again (another thread may wait on this pipe). */
export function pipeImports(ctx: FileContext, wait: PipeWait, changed: () => void): Record<string, (...args: never[]) => number> {
  return {
    /** wasock_pipe(*fds_out[2], fdflags) -> errno: the read end in fds_out[0], the write end in [1]. */
    wasock_pipe: (out: number, fdflags: number) =>
      guarded(() => {
        ctx.mem.check(out, 8);
        if (fdflags & ~FDFLAGS.NONBLOCK) return E.INVAL;
        const pipe = new PipeBuffer(changed);
        const r = new PipeReadFd(pipe, wait);
        const w = new PipeWriteFd(pipe, wait);
        r.nonblocking = w.nonblocking = (fdflags & FDFLAGS.NONBLOCK) !== 0;
        const rfd = allocateFd(ctx.fds, r);
        const wfd = allocateFd(ctx.fds, w);
        ctx.mem.u32(out, rfd);
        ctx.mem.u32(out + 4, wfd);
        return 0;
      }),
  };
}

/**
 * fd_read / fd_write for pipe ends, gathering every iovec into one call (the
 * shim calls an Fd once per iovec, and a pipe drained by the first must not
 * put the second to sleep); other descriptors go to `below`.
 */
export function pipeStreamImports(ctx: FileContext, below: { fd_read: (...a: never[]) => number; fd_write: (...a: never[]) => number }): Record<string, (...args: never[]) => number> {
  const { mem } = ctx;
  return {
    fd_read: (fd: number, iovs: number, iovcnt: number, nreadOut: number) => {
      const obj = ctx.fds[fd];
      if (!isPipeEnd(obj)) return (below.fd_read as (...a: number[]) => number)(fd, iovs, iovcnt, nreadOut);
      return guarded(() => {
        const dsts = mem.iovecs(iovs, iovcnt);
        mem.check(nreadOut, 4);
        const total = dsts.reduce((n, d) => n + d.length, 0);
        const { ret, data } = obj.fd_read(total);
        if (ret !== 0) return ret;
        let at = 0;
        for (const dst of dsts) {
          if (at === data.length) break;
          const take = Math.min(dst.length, data.length - at);
          dst.set(data.subarray(at, at + take));
          at += take;
        }
        mem.u32(nreadOut, data.length);
        return 0;
      });
    },
    fd_write: (fd: number, iovs: number, iovcnt: number, nwrittenOut: number) => {
      const obj = ctx.fds[fd];
      if (!isPipeEnd(obj)) return (below.fd_write as (...a: number[]) => number)(fd, iovs, iovcnt, nwrittenOut);
      return guarded(() => {
        const srcs = mem.iovecs(iovs, iovcnt);
        mem.check(nwrittenOut, 4);
        const total = srcs.reduce((n, s) => n + s.length, 0);
        const data = new Uint8Array(total);
        let at = 0;
        for (const src of srcs) {
          data.set(src, at);
          at += src.length;
        }
        const { ret, nwritten } = obj.fd_write(data);
        if (ret !== 0) return ret;
        mem.u32(nwrittenOut, nwritten);
        return 0;
      });
    },
  };
}
