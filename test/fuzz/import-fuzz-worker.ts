// Runs in a worker thread: calls wasock's imports through a wasm trampoline
// with random fds, pointers, lengths and memory contents (fast-check), and
// checks every call against an oracle written from WASI preview 1, docs/abi.md
// and Linux (not from the host code):
//   - the import's own JS return value is a number, an integer in the WASI
//     errno range (wasm would turn `undefined` into 0, "success");
//   - a bad argument gets the errno it must: EBADF for an fd that is not
//     open, ENOTSOCK for a socket call on stdio, EFAULT for a pointer outside
//     memory, EINVAL where Linux says so, 0 where the call cannot fail;
//   - guest memory outside the call's declared output fields is unchanged;
//   - no exception, no hang, and a canary connection opened first (plus two
//     sentinel sockets) still works afterwards.
// It also keeps the books: how many sockets its successful calls should have
// left open, and which ports the still-open ones hold, so the test can check
// the host's count and that shutdown() really frees those ports.

import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { createGuest, type GuestInit } from '../../host/src/wasi/guest.js';
import { SocketFd } from '../../host/src/wasi/socket-fd.js';
import { StdinFd } from '../../host/src/wasi/stdio.js';
import { SF } from '../../host/src/bridge/arena.js';
import { ADDR, writeAddr } from '../../host/src/abi/sock.js';
import { EVENTTYPE, SUBSCRIPTION } from '../../host/src/abi/wasi.js';
import { FUZZED_IMPORTS } from './import-signatures.js';

interface Job {
  init: GuestInit;
  seed: number;
  runs: number;
  echoPort: number;
}

const job = workerData as Job;

// The trampoline's i32 result hides what the import really returned (wasm
// turns undefined, true or 1.5 into a number). Wrap every import while the
// guest is instantiated, so each call's raw JS value can be checked.
let lastRaw: unknown = 'no import was called';
const RealInstance = WebAssembly.Instance;
(WebAssembly as { Instance: unknown }).Instance = function (module: WebAssembly.Module, importObject: WebAssembly.Imports) {
  const wrapped: WebAssembly.Imports = {};
  for (const [mod, fns] of Object.entries(importObject)) {
    wrapped[mod] = Object.fromEntries(Object.entries(fns).map(([k, f]) => [k, typeof f === 'function' ? (...a: unknown[]) => (lastRaw = (f as (...x: unknown[]) => unknown)(...a)) : f]));
  }
  return new RealInstance(module, wrapped);
};
const guest = (() => {
  try {
    return createGuest(job.init, { write: () => {}, trace: null, deny: () => {}, preopens: [] });
  } finally {
    (WebAssembly as { Instance: unknown }).Instance = RealInstance;
  }
})();
const exports = guest.instance.exports as Record<string, (...args: (number | bigint)[]) => number>;
const memory = guest.instance.exports.memory as WebAssembly.Memory;
const MEM = memory.buffer.byteLength;
const view = () => new DataView(memory.buffer);

// --- the canary: a real connection the fuzzer is not allowed to name ------
const SCRATCH = 1024;
function must(errno: number, what: string): void {
  if (errno !== 0) throw new Error(`canary ${what} failed with errno ${errno}`);
}
must(exports.call_sock_open(-1, 0, 1, SCRATCH), 'sock_open');
const canaryFd = view().getUint32(SCRATCH, true);
writeAddr(view(), SCRATCH, { family: 4, ip: '127.0.0.1', port: job.echoPort });
must(exports.call_sock_connect(canaryFd, SCRATCH), 'sock_connect');

// Sentinels: a TCP listener and a bound UDP socket the fuzzer may not name
// either. They hold ports until the host shuts down, so the test always has
// ports to check shutdown() against.
function sentinel(socktype: number, listen: boolean): number {
  must(exports.call_sock_open(-1, 0, socktype, SCRATCH), 'sentinel sock_open');
  const fd = view().getUint32(SCRATCH, true);
  writeAddr(view(), SCRATCH, { family: 4, ip: '127.0.0.1', port: 0 });
  must(exports.call_sock_bind(fd, SCRATCH), 'sentinel sock_bind');
  if (listen) must(exports.call_sock_listen(fd, 4), 'sentinel sock_listen');
  return fd;
}
const reserved = new Set([canaryFd, sentinel(1, true), sentinel(0, false)]);

function canaryEchoes(): boolean {
  // steer() made every socket non-blocking; the canary reads blocking again.
  const canary = guest.ctx.fds[canaryFd];
  if (!(canary instanceof SocketFd)) return false;
  canary.nonblocking = false;
  const message = new TextEncoder().encode('canary says hello');
  const m = new Uint8Array(memory.buffer);
  m.set(message, SCRATCH + 64);
  const v = view();
  v.setUint32(SCRATCH, SCRATCH + 64, true);
  v.setUint32(SCRATCH + 4, message.length, true);
  if (exports.call_sock_send(canaryFd, SCRATCH, 1, 0, SCRATCH + 8) !== 0) return false;
  let got = 0;
  const deadline = Date.now() + 5000;
  while (got < message.length && Date.now() < deadline) {
    v.setUint32(SCRATCH, SCRATCH + 256 + got, true);
    v.setUint32(SCRATCH + 4, message.length - got, true);
    const errno = exports.call_sock_recv(canaryFd, SCRATCH, 1, 0, SCRATCH + 8, SCRATCH + 12);
    if (errno !== 0) return false;
    const n = view().getUint32(SCRATCH + 8, true);
    if (n === 0) return false;
    got += n;
  }
  return new TextDecoder().decode(new Uint8Array(memory.buffer, SCRATCH + 256, got)) === 'canary says hello';
}

// --- arbitraries ------------------------------------------------------------
const fdArb = fc.oneof(
  fc.integer({ min: 0, max: 12 }),
  fc.integer({ min: -3, max: 80 }),
  fc.constantFrom(-1, 0x7fffffff, 1 << 20),
).map((fd) => {
  while (reserved.has(fd)) fd++;
  return fd;
});
const ptrArb = fc.oneof(
  fc.integer({ min: 0, max: MEM - 1 }),
  fc.integer({ min: MEM - 40, max: MEM + 40 }),
  fc.constantFrom(0, -1, -8, 0x7fffffff, 0x80000000 | 0, MEM, MEM - 1),
  fc.integer(),
);
const lenArb = fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 70000 }), fc.constantFrom(-1, 0x7fffffff, 1025, 1 << 20), fc.integer());
const smallArb = fc.integer({ min: -2, max: 12 });
const i64Arb = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

// Which parameter positions are fds, pointers, lengths: by import shape.
function argArbs(name: string, params: ('i32' | 'i64')[]): fc.Arbitrary<(number | bigint)[]> {
  const arbs = params.map((p, i): fc.Arbitrary<number | bigint> => {
    if (p === 'i64') return i64Arb;
    if (i === 0 && name !== 'poll_oneoff' && name !== 'sock_addr_resolve' && name !== 'wasock_epoll_create') return fdArb;
    if (name === 'wasock_epoll_ctl' && i === 1) return smallArb;
    if (name === 'wasock_epoll_ctl' && i === 2) return fdArb;
    if (name === 'wasock_epoll_wait' && i === 2) return fc.integer({ min: -2, max: 40 });
    // An epoll_wait with nothing to report would rightly wait for as long as it is told.
    if (name === 'wasock_epoll_wait' && i === 3) return fc.constant(0);
    if (name === 'sock_open' && (i === 1 || i === 2)) return smallArb;
    const vectored = name === 'fd_read' || name === 'fd_write' || name.startsWith('sock_send') || name.startsWith('sock_recv');
    if (vectored && i === 2) return lenArb;
    if (vectored && i === 3 && name.startsWith('sock_')) return smallArb;
    if (name === 'poll_oneoff' && i === 2) return fc.integer({ min: -1, max: 40 });
    if (name === 'sock_addr_resolve' && i === 4) return lenArb;
    if (name.endsWith('_membership') && i === 1) return ptrArb;
    if (name === 'sock_get_ip_multicast_loop' && i === 1) return smallArb;
    if ((name === 'sock_listen' || name.startsWith('sock_set_') || name === 'fd_fdstat_set_flags' || name === 'sock_shutdown') && i >= 1) return fc.oneof(smallArb, fc.integer());
    if (name === 'sock_accept' && i === 1) return smallArb;
    return ptrArb;
  });
  return fc.tuple(...arbs);
}

const callArb = fc.oneof(...FUZZED_IMPORTS.map((imp) => argArbs(imp.name, imp.params).map((args) => ({ name: imp.name, args }))));
const runArb = fc.record({ fill: fc.integer(), calls: fc.array(callArb, { minLength: 20, maxLength: 80 }) });

/** Random memory contents for one run (xorshift from the run's seed). */
function fillMemory(seed: number): void {
  const words = new Uint32Array(memory.buffer, SCRATCH + 2048);
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
}

/**
 * The only steering: sockets stay non-blocking (a valid blocking accept or
 * recv would rightly wait forever), poll gets short clocks, and binds use
 * port 0 so the fuzzer cannot take ports other tests are about to use.
 */
function steer(name: string, args: (number | bigint)[]): void {
  for (const obj of guest.ctx.fds) {
    if (obj instanceof SocketFd || obj instanceof StdinFd) obj.nonblocking = true;
  }
  const v = view();
  const inBounds = (ptr: number, len: number) => ptr >= 0 && ptr + len <= MEM;
  if (name === 'poll_oneoff') {
    const ptr = args[0] as number;
    const n = args[2] as number;
    if (n > 0 && inBounds(ptr, n * SUBSCRIPTION.size)) {
      for (let i = 0; i < n; i++) {
        const base = ptr + i * SUBSCRIPTION.size;
        if (v.getUint8(base + SUBSCRIPTION.tag) === EVENTTYPE.CLOCK || i === n - 1) {
          v.setUint8(base + SUBSCRIPTION.tag, EVENTTYPE.CLOCK);
          v.setUint32(base + SUBSCRIPTION.clockId, 1, true);
          v.setBigUint64(base + SUBSCRIPTION.clockTimeout, BigInt(i % 3) * 100_000n, true);
          v.setUint16(base + SUBSCRIPTION.clockFlags, 0, true);
        }
      }
    }
  }
  // A futex wait on a word that holds `expected` waits: never longer than a poll here.
  if (name === 'wasock_futex_wait') args[2] = 0n;
  if (name === 'sock_bind') {
    const ptr = args[1] as number;
    if (inBounds(ptr, ADDR.size)) {
      v.setUint16(ptr + ADDR.ip4Port, 0, true);
      v.setUint16(ptr + ADDR.ip6Port, 0, true);
    }
  }
}

// --- the oracle ---------------------------------------------------------------
// WASI errno numbers (WASI preview 1's table, as in docs/relay-protocol.md's appendix).
const EAFNOSUPPORT = 5;
const EBADF = 8;
const EFAULT = 21;
const EINVAL = 28;
const ENOTCONN = 53;
const ENOTSOCK = 57;
const ENOTSUP = 58;
const EPROTONOSUPPORT = 66;
const EPROTOTYPE = 67;
const EAGAIN = 6;
const ENOSYS = 52;
const ETIMEDOUT = 73;
/** Sizes from docs/abi.md and WASI preview 1: sockaddr, addrinfo entry, iovec, subscription, event, fdstat. */
const SZ = { addr: 24, addrInfo: 28, iovec: 8, subscription: 48, event: 32, fdstat: 24, prestat: 8, filestat: 64 } as const;
/** Linux's IOV_MAX: more iovecs is EINVAL (checked before any pointer, as readv/writev do). */
const IOV_MAX = 1024;
/** sock_get_*: the size of what each writes (docs/abi.md). */
const GET_SIZE: Record<string, number> = {
  reuse_addr: 1, reuse_port: 1, keep_alive: 1, tcp_no_delay: 1, broadcast: 1, ipv6_only: 1, ip_ttl: 1,
  recv_buf_size: 4, send_buf_size: 4, recv_timeout: 8, send_timeout: 8,
  tcp_keep_idle: 4, tcp_keep_intvl: 4, tcp_fastopen_connect: 1, tcp_quick_ack: 1, ip_multicast_ttl: 1,
};
/** Getters of options that belong to one kind of socket: Linux's EOPNOTSUPP elsewhere (checked before the pointer). */
const GET_ONLY_ON: Record<string, (sock: SocketFd) => boolean> = {
  tcp_no_delay: (s) => s.type === 'stream',
  tcp_keep_idle: (s) => s.type === 'stream',
  tcp_keep_intvl: (s) => s.type === 'stream',
  tcp_fastopen_connect: (s) => s.type === 'stream',
  tcp_quick_ack: (s) => s.type === 'stream',
  ipv6_only: (s) => s.family === 6,
};

/** A guest pointer range that does not fit in memory (pointers and lengths are u32). */
const outside = (ptr: number, len: number) => (ptr >>> 0) + (len >>> 0) > MEM;
const one = (...errnos: number[]) => new Set(errnos);

/** The iovec array of a vectored call, or null when it cannot be read (out of bounds, too long). */
function iovecs(ptr: number, count: number): { buf: number; len: number }[] | null {
  const n = count >>> 0;
  if (n > IOV_MAX || outside(ptr, n * SZ.iovec)) return null;
  const v = view();
  return Array.from({ length: n }, (_, i) => ({ buf: v.getUint32((ptr >>> 0) + i * 8, true), len: v.getUint32((ptr >>> 0) + i * 8 + 4, true) }));
}

/** EINVAL / EFAULT for a vectored call's iovecs, checked as Linux's import_iovec does: count first, then memory. */
function iovecErrno(ptr: number, count: number): number | null {
  if (count >>> 0 > IOV_MAX) return EINVAL;
  const list = iovecs(ptr, count);
  if (list === null) return EFAULT;
  return list.some((b) => outside(b.buf, b.len)) ? EFAULT : null;
}

/**
 * The errnos a call may answer, or null where the outcome depends on state
 * the oracle does not model (a real connection, the system). Only what the
 * arguments alone decide is claimed.
 */
function expectedErrno(name: string, args: (number | bigint)[]): Set<number> | null {
  const a = args as number[];
  if (name === 'sock_open') {
    const [, af, type, fdOut] = a;
    const errs = new Set<number>();
    if (outside(fdOut!, 4)) errs.add(EFAULT);
    if (af !== 0 && af !== 1) errs.add(EAFNOSUPPORT);
    // An unknown socket type: Linux says EINVAL or EPROTONOSUPPORT, WASI hosts EPROTOTYPE.
    else if (type !== 0 && type !== 1) [EINVAL, EPROTONOSUPPORT, EPROTOTYPE].forEach((e) => errs.add(e));
    return errs.size ? errs : null;
  }
  if (name === 'poll_oneoff') {
    const [inPtr, outPtr, n, nevents] = a;
    // WASI: no subscriptions is EINVAL (the call would block forever).
    if (n! >>> 0 === 0) return one(EINVAL);
    if (outside(inPtr!, (n! >>> 0) * SZ.subscription) || outside(outPtr!, (n! >>> 0) * SZ.event) || outside(nevents!, 4)) return one(EFAULT);
    return null;
  }
  if (name === 'sock_addr_resolve') return (a[0]! >>> 0) >= MEM ? one(EFAULT) : null;
  // epoll's errno order (EFAULT before EBADF, as Linux) is checked by c-src/tests/epoll_rules.c against native.
  if (name.startsWith('wasock_epoll_')) return null;
  // Threads: none in worker mode; the futex checks its word's address first.
  if (name === 'wasock_thread_spawn') return one(ENOSYS);
  if (name === 'wasock_futex_wait' || name === 'wasock_futex_wake') {
    const addr = a[0]! >>> 0;
    if (outside(addr, 4)) return one(EFAULT);
    if (name === 'wasock_futex_wake') return one(0);
    if (addr % 4 !== 0) return one(EINVAL);
    return one(view().getInt32(addr, true) === (a[1]! | 0) ? ETIMEDOUT : EAGAIN);
  }

  const fd = a[0]!;
  const obj = guest.ctx.fds[fd];
  if (obj === undefined) return one(EBADF);
  // No preopens: fd_prestat_get has nothing to describe. On a socket it is
  // EBADF (docs/abi.md: wasi-libc's preopen scan stops there); stdio is
  // browser_wasi_shim's, which says ENOTSUP (wasi-libc scans from fd 3).
  if (name === 'fd_prestat_get') return obj instanceof SocketFd ? one(EBADF) : one(EBADF, ENOTSUP);
  if (name.startsWith('sock_') && !(obj instanceof SocketFd)) return one(ENOTSOCK);
  if (name === 'fd_close' || name === 'sock_close') return obj instanceof SocketFd ? one(0) : null;
  if (name === 'fd_fdstat_get') return outside(a[1]!, SZ.fdstat) ? one(EFAULT) : one(0);
  if (name === 'fd_read' || name === 'fd_write') {
    if (!(obj instanceof SocketFd) && !(obj instanceof StdinFd) && name === 'fd_read') return null;
    // writev/readv: too many iovecs is EINVAL, then any pointer outside memory EFAULT.
    const iov = iovecErrno(a[1]!, a[2]!);
    if (iov !== null) return one(iov);
    return outside(a[3]!, 4) ? one(EFAULT) : null;
  }
  if (!(obj instanceof SocketFd)) return null;
  const sock = obj;

  const get = /^sock_get_(.*)$/.exec(name)?.[1];
  if (get === 'linger') return outside(a[1]!, 1) || outside(a[2]!, 4) ? one(EFAULT) : one(0);
  if (get === 'ip_multicast_loop') {
    // (fd, ipv6, *out): ipv6 is 0 or 1; IPv6's loop only on an IPv6 socket.
    if (a[1] !== 0 && a[1] !== 1) return one(EINVAL);
    if (a[1] === 1 && sock.family !== 6) return one(ENOTSUP);
    return outside(a[2]!, 1) ? one(EFAULT) : one(0);
  }
  if (get !== undefined && GET_ONLY_ON[get] && !GET_ONLY_ON[get]!(sock)) return one(ENOTSUP);
  // A getter on an open socket cannot fail except through its pointer.
  if (get !== undefined) return outside(a[1]!, GET_SIZE[get]!) ? one(EFAULT) : one(0);
  switch (name) {
    case 'sock_bind':
    case 'sock_connect':
      return outside(a[1]!, SZ.addr) ? one(EFAULT) : null;
    case 'sock_addr_local':
      return outside(a[1]!, SZ.addr) ? one(EFAULT) : null;
    case 'sock_addr_remote':
      // Linux reports ENOTCONN before looking at the pointer; either is right.
      return outside(a[1]!, SZ.addr) ? one(EFAULT, ENOTCONN) : null;
    case 'sock_accept': {
      // Linux: EOPNOTSUPP on a datagram socket, EINVAL when not listening.
      const state = sock.type === 'dgram' ? ENOTSUP : !(sock.flags() & SF.LISTENING) ? EINVAL : null;
      if (outside(a[2]!, 4)) return state === null ? one(EFAULT) : one(EFAULT, state);
      return state === null ? null : one(state);
    }
    case 'sock_shutdown':
      // SHUT_RD=1, SHUT_WR=2, both=3; anything else is EINVAL before any state check.
      return a[1] !== 1 && a[1] !== 2 && a[1] !== 3 ? one(EINVAL) : null;
    case 'sock_set_ip_ttl':
      // Linux IP_TTL: 1..255, or -1 for the default.
      return a[1] === 0 || a[1]! > 255 || a[1]! < -1 ? one(EINVAL) : null;
    case 'sock_send':
    case 'sock_recv':
    case 'sock_send_to':
    case 'sock_recv_from': {
      const iov = iovecErrno(a[1]!, a[2]!);
      if (iov !== null) return one(iov);
      const outs: [number, number][] =
        name === 'sock_send' ? [[a[4]!, 4]]
          : name === 'sock_recv' ? [[a[4]!, 4], [a[5]!, 2]]
            : name === 'sock_send_to' ? [[a[5]!, 4], [a[4]!, SZ.addr]]
              : [[a[5]!, 4], ...(a[4] !== 0 ? [[a[4]!, SZ.addr] as [number, number]] : [])];
      return outs.some(([p, n]) => outside(p, n)) ? one(EFAULT) : null;
    }
  }
  return null;
}

/** The guest memory a call may write: its output fields (clipped to memory); everything else must stay. */
function outputRegions(name: string, args: (number | bigint)[]): [number, number][] {
  const a = args as number[];
  const iovBufs = (ptr: number, count: number): [number, number][] => (iovecs(ptr, count) ?? []).map((b) => [b.buf, b.len]);
  const get = /^sock_get_(.*)$/.exec(name)?.[1];
  if (get === 'linger') return [[a[1]!, 1], [a[2]!, 4]];
  if (get === 'ip_multicast_loop') return [[a[2]!, 1]];
  if (get !== undefined) return [[a[1]!, GET_SIZE[get]!]];
  switch (name) {
    case 'fd_read': return [...iovBufs(a[1]!, a[2]!), [a[3]!, 4]];
    case 'fd_write': return [[a[3]!, 4]];
    case 'fd_fdstat_get': return [[a[1]!, SZ.fdstat]];
    case 'fd_prestat_get': return [[a[1]!, SZ.prestat]];
    case 'fd_filestat_get': return [[a[1]!, SZ.filestat]];
    case 'poll_oneoff': return [[a[1]!, (a[2]! >>> 0) * SZ.event], [a[3]!, 4]];
    case 'sock_open': return [[a[3]!, 4]];
    case 'wasock_epoll_create': return [[a[0]!, 4]];
    case 'wasock_epoll_wait': return [[a[1]!, Math.max(0, a[2]! | 0) * 16], [a[4]!, 4]];
    case 'sock_accept': return [[a[2]!, 4]];
    case 'sock_addr_local':
    case 'sock_addr_remote': return [[a[1]!, SZ.addr]];
    case 'sock_addr_resolve': return [[a[3]!, (a[4]! >>> 0) * SZ.addrInfo], [a[5]!, 4]];
    case 'sock_send_to':
    case 'sock_send': return [[a[name === 'sock_send' ? 4 : 5]!, 4]];
    case 'sock_recv': return [...iovBufs(a[1]!, a[2]!), [a[4]!, 4], [a[5]!, 2]];
    case 'sock_recv_from': return [...iovBufs(a[1]!, a[2]!), [a[4]!, SZ.addr], [a[5]!, 4]];
    default: return [];
  }
}

/** Memory before the call in flight. */
const before = new Uint8Array(MEM);

/** Every byte outside `outputs` must be as it was before the call. */
function checkMemory(call: string, outputs: [number, number][]): void {
  const after = new Uint8Array(memory.buffer);
  if (after.length !== MEM) throw new Error(`${call} grew guest memory`);
  const writable = new Uint8Array(MEM);
  for (const [ptr, len] of outputs) {
    const start = ptr >>> 0;
    if (start < MEM) writable.fill(1, start, Math.min(MEM, start + (len >>> 0)));
  }
  // Fast path: equal memory needs no byte walk.
  if (Buffer.compare(Buffer.from(after.buffer, after.byteOffset, MEM), Buffer.from(before.buffer, 0, MEM)) === 0) return;
  for (let i = 0; i < MEM; i++) {
    if (after[i] !== before[i] && !writable[i]) throw new Error(`${call} changed guest memory at ${i} (0x${before[i]!.toString(16)} → 0x${after[i]!.toString(16)}), outside its output fields`);
  }
}

let calls = 0;
let slowest = 0;
let slowestCall = '';
/** Sockets opened (canary, sentinels, successful sock_open/sock_accept) and closed (fd_close or sock_close of a socket). */
let opened = 3;
let closed = 0;

const details = fc.check(
  fc.property(runArb, ({ fill, calls: list }) => {
    fillMemory(fill);
    for (const { name, args } of list) {
      steer(name, args);
      const started = performance.now();
      const expected = expectedErrno(name, args);
      const outputs = outputRegions(name, args);
      const wasSocket = (name === 'fd_close' || name === 'sock_close') && guest.ctx.fds[args[0] as number] instanceof SocketFd;
      before.set(new Uint8Array(memory.buffer));
      lastRaw = 'no import was called';
      const result = exports[`call_${name}`](...args);
      const took = performance.now() - started;
      calls++;
      if (took > slowest) {
        slowest = took;
        slowestCall = `${name}(${args.join(', ')})`;
      }
      const call = `${name}(${args.join(', ')})`;
      if (typeof lastRaw !== 'number' || !Number.isInteger(lastRaw) || lastRaw < 0 || lastRaw > 76 || lastRaw !== result) {
        throw new Error(`${call}: the import returned ${typeof lastRaw} ${String(lastRaw)}, not a WASI errno`);
      }
      if (expected !== null && !expected.has(result)) {
        throw new Error(`${call} returned errno ${result}; expected ${[...expected].join(' or ')}`);
      }
      checkMemory(call, outputs);
      // The books: what this call did to the number of open sockets.
      if (result === 0 && (name === 'sock_open' || name === 'sock_accept')) opened++;
      if (wasSocket) closed++;
    }
  }),
  { seed: job.seed, numRuns: job.runs, endOnFailure: true },
);
if (details.failed) {
  const cause = details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance);
  parentPort!.postMessage({ kind: 'failure', message: `${cause}\ncounterexample: ${JSON.stringify(details.counterexample, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}` });
} else {

  // The ports the still-open sockets hold: listening TCP sockets and bound
  // UDP sockets (the sentinels at least). After shutdown() they must be free.
  const ports: { family: 4 | 6; kind: 'stream' | 'dgram'; port: number }[] = [];
  let live = 0;
  for (const [fd, obj] of guest.ctx.fds.entries()) {
    if (!(obj instanceof SocketFd)) continue;
    live++;
    const held = obj.type === 'dgram' || (obj.flags() & SF.LISTENING) !== 0;
    if (!held || exports.call_sock_addr_local(fd, SCRATCH) !== 0) continue;
    const port = view().getUint16(SCRATCH + (obj.family === 4 ? ADDR.ip4Port : ADDR.ip6Port), true);
    if (port !== 0) ports.push({ family: obj.family, kind: obj.type, port });
  }
  parentPort!.postMessage({ kind: 'result', calls, slowest, slowestCall, canaryOk: canaryEchoes(), predictedOpen: opened - closed, live, ports });
}
