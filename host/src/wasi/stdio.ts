// The guest's standard streams. stdin reads from arena slot 0, which the I/O
// thread fills from the host's stdin, so a guest blocked in read(0, …) sleeps
// like a socket read and never stalls socket traffic. stdout and stderr go to
// a sink the embedder provides (fd writes in Node, a terminal in the browser).

import { Fd, wasi as shimWasi } from '@bjorn3/browser_wasi_shim';
import { type Arena, SF, STDIN_SLOT } from '../bridge/arena.js';
import { Ring } from '../bridge/ring.js';
import { markDirty } from '../bridge/signals.js';
import { E } from '../abi/errno.js';
import { FDFLAGS, FILETYPE } from '../abi/wasi.js';
import { blockUntil, TIMED_OUT } from './blocking.js';
import type { Activity } from './readiness.js';
import { liveViews } from './guest-memory.js';

// fd_read | fd_write | fd_fdstat_set_flags | poll_fd_readwrite: no seek/tell,
// which is how wasi-libc's isatty() tells a terminal from a file.
const RIGHTS_STREAM = (1n << 1n) | (1n << 6n) | (1n << 3n) | (1n << 27n);

function streamFdstat(isTTY: boolean, flags: number): shimWasi.Fdstat {
  const fdstat = new shimWasi.Fdstat(isTTY ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN, flags);
  fdstat.fs_rights_base = RIGHTS_STREAM;
  return fdstat;
}

export class StdinFd extends Fd {
  private readonly ring: Ring;
  private requested = false;
  nonblocking = false;

  constructor(private readonly arena: Arena, private readonly isTTY: boolean) {
    super();
    this.ring = new Ring(arena, STDIN_SLOT, 'rx');
  }

  /** The I/O thread reads the host's stdin only once the guest wants it. */
  private request(): void {
    if (!this.requested) {
      this.requested = true;
      markDirty(this.arena, STDIN_SLOT);
    }
  }

  /** Reads into the first non-empty buffer of `dsts` (GuestMemory.iovecs); blocks until at least one byte or EOF. */
  readInto(dsts: Uint8Array[], nonblocking: boolean): { errno: number; n: number } {
    this.request();
    const at = dsts.findIndex((d) => d.length > 0);
    if (at < 0) return { errno: 0, n: 0 };
    const result = blockUntil(this.arena, nonblocking ? 0 : Infinity, () => {
      const n = this.ring.read(liveViews(dsts)[at]);
      if (n > 0) {
        if (this.arena.flags(STDIN_SLOT) & SF.RX_PAUSED) markDirty(this.arena, STDIN_SLOT);
        return n;
      }
      if (this.arena.flags(STDIN_SLOT) & SF.RX_PAUSED) markDirty(this.arena, STDIN_SLOT);
      return this.arena.flags(STDIN_SLOT) & SF.RX_EOF ? 0 : undefined;
    });
    return result === TIMED_OUT ? { errno: E.AGAIN, n: 0 } : { errno: 0, n: result };
  }

  readable(): { ready: boolean; nbytes: number; hangup: boolean } {
    this.request();
    const used = this.ring.used();
    const eof = (this.arena.flags(STDIN_SLOT) & SF.RX_EOF) !== 0;
    return { ready: used > 0 || eof, nbytes: used, hangup: eof && used === 0 };
  }

  /** For epoll's edges: bytes ever fed in (the ring's tail), and EOF. */
  activity(): Activity {
    this.request();
    return { rx: this.ring.tail(), tx: 0, state: this.arena.flags(STDIN_SLOT) & SF.RX_EOF };
  }

  override fd_fdstat_get(): { ret: number; fdstat: shimWasi.Fdstat | null } {
    return { ret: 0, fdstat: streamFdstat(this.isTTY, this.nonblocking ? FDFLAGS.NONBLOCK : 0) };
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.nonblocking = (flags & FDFLAGS.NONBLOCK) !== 0;
    return 0;
  }

  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    return { ret: 0, filestat: new shimWasi.Filestat(0n, this.isTTY ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN, 0n) };
  }
}

export class OutputFd extends Fd {
  constructor(private readonly sink: (bytes: Uint8Array) => void, private readonly isTTY: boolean) {
    super();
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    this.sink(data);
    return { ret: 0, nwritten: data.length };
  }

  override fd_fdstat_get(): { ret: number; fdstat: shimWasi.Fdstat | null } {
    return { ret: 0, fdstat: streamFdstat(this.isTTY, FDFLAGS.APPEND) };
  }

  override fd_fdstat_set_flags(): number {
    return 0;
  }

  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    return { ret: 0, filestat: new shimWasi.Filestat(0n, this.isTTY ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN, 0n) };
  }
}
