// The WASI preview 1 constants and struct offsets the socket layer needs
// (filetypes, fd flags, poll subscriptions and events, rights). Values from
// the preview 1 witx; kept here so no other module spells a magic number.

export const FILETYPE = {
  UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3,
  REGULAR_FILE: 4, SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7,
} as const;

export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;

export const RIFLAGS = { RECV_PEEK: 1, RECV_WAITALL: 2 } as const;
export const ROFLAGS = { RECV_DATA_TRUNCATED: 1 } as const;
export const SDFLAGS = { RD: 1, WR: 2 } as const;

export const CLOCKID = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;

export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const SUBCLOCKFLAGS = { ABSTIME: 1 } as const;
export const EVENTRWFLAGS = { HANGUP: 1 } as const;

/** subscription: 48 bytes. */
export const SUBSCRIPTION = {
  size: 48, userdata: 0, tag: 8,
  clockId: 16, clockTimeout: 24, clockPrecision: 32, clockFlags: 40,
  fd: 16,
} as const;

/** event: 32 bytes. */
export const EVENT = { size: 32, userdata: 0, error: 8, type: 10, nbytes: 16, flags: 24 } as const;

/** fdstat: 24 bytes. */
export const FDSTAT = { size: 24, filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 } as const;

/** iovec / ciovec: 8 bytes. */
export const IOVEC = { size: 8, buf: 0, len: 4 } as const;

// Rights bits a socket fd carries (fd_read, fd_write, fd_fdstat_set_flags,
// poll_fd_readwrite, sock_shutdown, sock_accept).
export const RIGHTS_SOCKET =
  (1n << 1n) | (1n << 6n) | (1n << 3n) | (1n << 27n) | (1n << 28n) | (1n << 29n);
