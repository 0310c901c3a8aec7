// WASI preview 1 errno values: the numbers every import returns, and (because
// wasi-libc uses the same numbering for `errno`) what the guest's C code sees.
// The only errno table in the host; Node error codes are mapped here too.

export const ERRNO_NAMES = [
  'SUCCESS', '2BIG', 'ACCES', 'ADDRINUSE', 'ADDRNOTAVAIL', 'AFNOSUPPORT', 'AGAIN', 'ALREADY',
  'BADF', 'BADMSG', 'BUSY', 'CANCELED', 'CHILD', 'CONNABORTED', 'CONNREFUSED', 'CONNRESET',
  'DEADLK', 'DESTADDRREQ', 'DOM', 'DQUOT', 'EXIST', 'FAULT', 'FBIG', 'HOSTUNREACH',
  'IDRM', 'ILSEQ', 'INPROGRESS', 'INTR', 'INVAL', 'IO', 'ISCONN', 'ISDIR',
  'LOOP', 'MFILE', 'MLINK', 'MSGSIZE', 'MULTIHOP', 'NAMETOOLONG', 'NETDOWN', 'NETRESET',
  'NETUNREACH', 'NFILE', 'NOBUFS', 'NODEV', 'NOENT', 'NOEXEC', 'NOLCK', 'NOLINK',
  'NOMEM', 'NOMSG', 'NOPROTOOPT', 'NOSPC', 'NOSYS', 'NOTCONN', 'NOTDIR', 'NOTEMPTY',
  'NOTRECOVERABLE', 'NOTSOCK', 'NOTSUP', 'NOTTY', 'NXIO', 'OVERFLOW', 'OWNERDEAD', 'PERM',
  'PIPE', 'PROTO', 'PROTONOSUPPORT', 'PROTOTYPE', 'RANGE', 'ROFS', 'SPIPE', 'SRCH',
  'STALE', 'TIMEDOUT', 'TXTBSY', 'XDEV', 'NOTCAPABLE',
] as const;

export type ErrnoName = (typeof ERRNO_NAMES)[number];

/** errno value by name, e.g. E.CONNREFUSED === 14. */
export const E = Object.fromEntries(ERRNO_NAMES.map((name, value) => [name, value])) as Record<ErrnoName, number>;

/** `ECONNREFUSED` for 14; used by --trace. */
export function errnoName(value: number): string {
  const name = ERRNO_NAMES[value];
  return name === undefined ? `errno ${value}` : name === 'SUCCESS' ? 'OK' : `E${name}`;
}

/**
 * Maps an error thrown or emitted by Node (`err.code` such as 'ECONNREFUSED')
 * to a WASI errno. Unknown codes become EIO so the guest always gets a number.
 */
export function errnoFromNodeError(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('E')) {
    const alias = NODE_ALIASES[code];
    if (alias !== undefined) return alias;
    const value = E[code.slice(1) as ErrnoName];
    if (value !== undefined) return value;
  }
  return E.IO;
}

const NODE_ALIASES: Record<string, number> = {
  EACCES: E.ACCES,
  EWOULDBLOCK: E.AGAIN,
  EOPNOTSUPP: E.NOTSUP,
  EPROTO: E.PROTO,
  ENOTFOUND: E.NOENT,
  EAI_AGAIN: E.AGAIN,
};
