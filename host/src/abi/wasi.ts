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

// --- files (path_open, filestat, readdir) ---------------------------------

export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const LOOKUPFLAGS = { SYMLINK_FOLLOW: 1 } as const;
export const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
/** fd_advise's advice values run from NORMAL (0) to NOREUSE (5). */
export const ADVICE_MAX = 5;

/** filestat: 64 bytes. */
export const FILESTAT = { size: 64, dev: 0, ino: 8, filetype: 16, nlink: 24, fileSize: 32, atim: 40, mtim: 48, ctim: 56 } as const;

/** dirent header: 24 bytes, the name follows. */
export const DIRENT = { size: 24, next: 0, ino: 8, namlen: 16, type: 20 } as const;

/** prestat: 8 bytes (tag 0 = directory, then the name's length). */
export const PRESTAT = { size: 8, tag: 0, nameLen: 4 } as const;

/** Rights bits of preview 1, by name. */
export const RIGHT = {
  FD_DATASYNC: 1n << 0n, FD_READ: 1n << 1n, FD_SEEK: 1n << 2n, FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n, FD_TELL: 1n << 5n, FD_WRITE: 1n << 6n, FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n, PATH_CREATE_DIRECTORY: 1n << 9n, PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n, PATH_LINK_TARGET: 1n << 12n, PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n, PATH_READLINK: 1n << 15n, PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n, PATH_FILESTAT_GET: 1n << 18n, PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n, FD_FILESTAT_GET: 1n << 21n, FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n, PATH_SYMLINK: 1n << 24n, PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n, POLL_FD_READWRITE: 1n << 27n, SOCK_SHUTDOWN: 1n << 28n, SOCK_ACCEPT: 1n << 29n,
} as const;

/** What a regular file's descriptor may carry. */
export const RIGHTS_FILE =
  RIGHT.FD_DATASYNC | RIGHT.FD_READ | RIGHT.FD_SEEK | RIGHT.FD_FDSTAT_SET_FLAGS | RIGHT.FD_SYNC | RIGHT.FD_TELL |
  RIGHT.FD_WRITE | RIGHT.FD_ADVISE | RIGHT.FD_ALLOCATE | RIGHT.FD_FILESTAT_GET | RIGHT.FD_FILESTAT_SET_SIZE |
  RIGHT.FD_FILESTAT_SET_TIMES | RIGHT.POLL_FD_READWRITE;

/** What a directory's descriptor may carry. */
export const RIGHTS_DIRECTORY =
  RIGHT.FD_FDSTAT_SET_FLAGS | RIGHT.FD_SYNC | RIGHT.FD_ADVISE | RIGHT.PATH_CREATE_DIRECTORY | RIGHT.PATH_CREATE_FILE |
  RIGHT.PATH_LINK_SOURCE | RIGHT.PATH_LINK_TARGET | RIGHT.PATH_OPEN | RIGHT.FD_READDIR | RIGHT.PATH_READLINK |
  RIGHT.PATH_RENAME_SOURCE | RIGHT.PATH_RENAME_TARGET | RIGHT.PATH_FILESTAT_GET | RIGHT.PATH_FILESTAT_SET_SIZE |
  RIGHT.PATH_FILESTAT_SET_TIMES | RIGHT.FD_FILESTAT_GET | RIGHT.FD_FILESTAT_SET_TIMES | RIGHT.PATH_SYMLINK |
  RIGHT.PATH_REMOVE_DIRECTORY | RIGHT.PATH_UNLINK_FILE | RIGHT.POLL_FD_READWRITE;
