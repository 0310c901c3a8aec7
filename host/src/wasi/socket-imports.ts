// The sock_* imports of the wasock ABI (docs/abi.md) plus the socket-aware
// fd_read / fd_write: argument decoding from guest memory, policy checks,
// control calls to the I/O thread, result encoding and --trace events.

import type { Fd } from '@bjorn3/browser_wasi_shim';
import type { Arena } from '../bridge/arena.js';
import type { DirectWrite } from '../bridge/direct-send.js';
import { SF } from '../bridge/arena.js';
import type { ControlClient, ControlReply } from '../bridge/control.js';
import { E } from '../abi/errno.js';
import { ADDR, ADDR_INFO, FAMILY, HINTS, IP_RECORD, MULTICAST_LOOP_IPV6, SOCKTYPE, ip4FromNetworkU32, readAddr, readIpRecord, writeAddr } from '../abi/sock.js';
import { ROFLAGS, SDFLAGS } from '../abi/wasi.js';
import { formatIp, formatSockAddr, parseIp, type SockAddr } from '../net/addr.js';
import type { NetPolicy } from '../net/policy.js';
import { GuestError, guarded, totalLength, type GuestMemory } from './guest-memory.js';
import { SocketFd, type IoResult } from './socket-fd.js';
import { StdinFd } from './stdio.js';
import { allocateFd as allocateFdIn } from './fd-table.js';
import type { TraceSink } from './trace.js';

export interface SocketContext {
  arena: Arena;
  control: ControlClient;
  mem: GuestMemory;
  /** browser_wasi_shim's fd table (shared, sockets are added to it). */
  fds: (Fd | undefined)[];
  policy: NetPolicy;
  /** Prints a policy denial (one stderr line). */
  deny: (line: string) => void;
  trace: TraceSink | null;
  started: number;
  /** OS writes on descriptors the I/O thread lends (Node only; bridge/direct-send.ts). */
  directWrite: DirectWrite | null;
  /** Another runtime's host behaviour to reproduce (GuestInit.emulate); never on by default. */
  emulate: HostEmulation;
}

/**
 * What WAMR's iwasm does differently from wasock, reproduced so that the
 * interop tests can check that wasock-built modules stay correct there.
 */
export interface HostEmulation {
  /** Set SO_LINGER {on, 0} on every socket bound. */
  iwasmBindLinger?: boolean;
  /** Refuse a zero-byte send with EINVAL (no SO_ERROR convention). */
  iwasmEmptySend?: boolean;
}

type Import = (...args: never[]) => number;

/** Linux's MAX_TCP_KEEPIDLE / MAX_TCP_KEEPINTVL. */
const MAX_KEEP_SECONDS = 32767;

export function socketImports(ctx: SocketContext): Record<string, Import> {
  const { mem, control } = ctx;

  const trace = (call: string, fd: number | null, args: string[], errno: number, result: number, detail?: string) => {
    ctx.trace?.({ call, fd, args, result: errno === 0 ? result : -1, errno, detail, time: performance.now() - ctx.started });
  };

  const socketAt = (fd: number): SocketFd => {
    const obj = ctx.fds[fd];
    if (obj === undefined) throw new GuestError(E.BADF);
    if (!(obj instanceof SocketFd)) throw new GuestError(E.NOTSOCK);
    return obj;
  };

  const allocateFd = (obj: Fd): number => allocateFdIn(ctx.fds, obj);

  const addrArg = (ptr: number): SockAddr => {
    mem.check(ptr, ADDR.size);
    const addr = readAddr(mem.view(), ptr >>> 0);
    if (!addr) throw new GuestError(E.AFNOSUPPORT);
    return addr;
  };

  const unspecified = (family: 4 | 6): string => (family === 6 ? '::' : '0.0.0.0');

  const anyAddr = (family: 4 | 6): string => ctx.policy.narrowBind({ family, ip: unspecified(family), port: 0 }).ip;

  const checkPolicy = (op: 'connect' | 'bind' | 'sendto', addr: SockAddr): void => {
    const denial = ctx.policy.check(op, addr);
    if (denial !== null) {
      ctx.deny(denial);
      throw new GuestError(E.ACCES);
    }
  };

  const sameFamily = (sock: SocketFd, addr: SockAddr): void => {
    if (addr.family !== sock.family) throw new GuestError(sock.family === 4 ? E.AFNOSUPPORT : E.INVAL);
  };

  const ok = (reply: ControlReply): ControlReply => {
    if (reply.errno !== 0) throw new GuestError(reply.errno);
    return reply;
  };

  /** Like guarded, and reports the call to --trace. */
  const traced = (call: string, fd: number | null, args: () => string[], body: () => { result: number; detail?: string }): number => {
    let result = 0;
    let detail: string | undefined;
    const errno = guarded(() => {
      const r = body();
      result = r.result;
      detail = r.detail;
      return 0;
    });
    if (ctx.trace) {
      let shown: string[];
      try {
        shown = args();
      } catch {
        shown = ['?'];
      }
      trace(call, fd, shown, errno, result, detail);
    }
    return errno;
  };

  const localOf = (sock: SocketFd): SockAddr => {
    const requested = sock.requestedBind;
    if (sock.local && (sock.flags() & SF.CONNECTED) && sock.type === 'stream') return sock.local;
    const reply = ok(control.call('sockname', { slot: sock.slot }));
    const actual = reply.local as SockAddr;
    if (requested) return { family: requested.family, ip: requested.ip, port: actual.port };
    if (sock.type === 'dgram' && !(sock.flags() & SF.CONNECTED)) return { family: sock.family, ip: unspecified(sock.family), port: actual.port };
    return actual;
  };

  /**
   * Host name → addresses. Numeric hosts never leave the guest's host;
   * localhost goes to the backend's resolver (local tables, no query); other
   * names only when the policy could allow a non-loopback address at all
   * (otherwise they are unknown, without a DNS query the guest could not use).
   */
  const lookup = (host: string, family: 0 | 4 | 6): SockAddr[] => {
    const numeric = parseIp(host);
    if (numeric) return family === 0 || family === numeric.family ? [{ family: numeric.family, ip: formatIp(numeric.bytes), port: 0 }] : [];
    const name = host.toLowerCase().replace(/\.$/, '');
    // localhost is answered by the host's own tables (/etc/hosts in Node),
    // in their order, so getaddrinfo lists what it lists natively.
    const local = name === 'localhost' || name.endsWith('.localhost');
    if (!local && !ctx.policy.reachesBeyondLoopback()) throw new GuestError(E.NOENT);
    return ok(control.call('resolve', { host, family })).addrs as SockAddr[];
  };

  /** A data call's socket and the guest buffers its iovec array names. */
  const socketBuffers = (fd: number, iovs: number, iovcnt: number) => {
    const sock = socketAt(fd);
    const bufs = mem.iovecs(iovs, iovcnt);
    return { sock, bufs, length: totalLength(bufs) };
  };

  const ioResult = (r: IoResult): number => {
    if (r.errno !== 0) throw new GuestError(r.errno);
    return r.n;
  };

  const recv = (sock: SocketFd, dsts: Uint8Array[], riflags: number): IoResult =>
    sock.type === 'stream' ? sock.recvStream(dsts, riflags, sock.nonblocking) : sock.recvDatagram(dsts, riflags, sock.nonblocking);

  const send = (sock: SocketFd, srcs: Uint8Array[], to: SockAddr | null): IoResult => {
    // Linux ignores the address on a stream socket: unconnected, the send
    // fails as any send there does (EPIPE, from sendStream).
    if (sock.type === 'stream') return sock.sendStream(srcs, sock.nonblocking);
    const dest = to ?? sock.peer;
    if (!dest) return { errno: E.DESTADDRREQ, n: 0 };
    return sock.sendDatagram(srcs, dest, sock.nonblocking);
  };

  const setOption = (fd: number, name: string, apply: (sock: SocketFd) => number | null) =>
    traced('setsockopt', fd, () => [name], () => {
      const sock = socketAt(fd);
      const forward = apply(sock);
      if (forward !== null) ok(control.call('setopt', { slot: sock.slot, name, value: forward }));
      return { result: 0 };
    });

  const getOption = (fd: number, write: (sock: SocketFd) => void) =>
    guarded(() => {
      write(socketAt(fd));
      return 0;
    });

  /** IPPROTO_TCP options on a datagram socket: Linux's answers (set ENOPROTOOPT, get EOPNOTSUPP). */
  const streamOnlySet = (sock: SocketFd): void => {
    if (sock.type !== 'stream') throw new GuestError(E.NOPROTOOPT);
  };
  const streamOnlyGet = (sock: SocketFd): SocketFd => {
    if (sock.type !== 'stream') throw new GuestError(E.NOTSUP);
    return sock;
  };

  /**
   * IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP with Linux's errors: a stream
   * socket EPROTO, a group that is not multicast EINVAL (joining) or
   * EADDRNOTAVAIL (leaving, as for any group not joined), joining twice
   * EADDRINUSE. Joining is under the network policy like any address.
   */
  const membership = (fd: number, groupPtr: number, ifaceValue: number, join: boolean): number => {
    let shown = '?';
    return traced(join ? 'join' : 'leave', fd, () => [shown], () => {
      const sock = socketAt(fd);
      mem.check(groupPtr, IP_RECORD.size);
      const group = readIpRecord(mem.view(), groupPtr >>> 0);
      if (!group) throw new GuestError(E.INVAL);
      shown = group.ip;
      if (sock.type === 'stream') throw new GuestError(E.PROTO);
      if (group.family === 6 && sock.family !== 6) throw new GuestError(E.INVAL);
      const bytes = parseIp(group.ip)!.bytes;
      const isMulticast = group.family === 4 ? (bytes[0]! & 0xf0) === 0xe0 : bytes[0] === 0xff;
      const given = group.family === 4 && ifaceValue !== 0 ? ip4FromNetworkU32(ifaceValue) : null;
      const key = `${group.ip}|${given ?? ''}`;
      const joined = sock.options.memberships;
      if (!join) {
        if (!joined.has(key)) throw new GuestError(E.ADDRNOTAVAIL);
      } else {
        if (!isMulticast) throw new GuestError(E.INVAL);
        if (joined.has(key)) throw new GuestError(E.ADDRINUSE);
        const denial = ctx.policy.check('join', { family: group.family, ip: group.ip, port: 0 });
        if (denial !== null) {
          ctx.deny(denial);
          throw new GuestError(E.ACCES);
        }
      }
      // No interface named: loopback, unless the policy allows everything.
      const iface = given ?? (ctx.policy.everything ? null : group.family === 4 ? '127.0.0.1' : null);
      ok(control.call('membership', { slot: sock.slot, join, group: group.ip, iface }));
      if (join) joined.add(key);
      else joined.delete(key);
      return { result: 0 };
    });
  };

  /** TCP_NODELAY is a TCP option and IPV6_V6ONLY an IPv6 one: Linux refuses them elsewhere (set ENOPROTOOPT, get EOPNOTSUPP). */
  const applies = (key: string, sock: SocketFd): boolean =>
    key === 'noDelay' ? sock.type === 'stream' : key === 'ipv6Only' ? sock.family === 6 : true;

  const boolOption = (name: string, key: 'reuseAddr' | 'reusePort' | 'keepAlive' | 'noDelay' | 'broadcast' | 'ipv6Only', forward: boolean) => ({
    [`sock_set_${name}`]: (fd: number, value: number) =>
      setOption(fd, name, (sock) => {
        if (!applies(key, sock)) throw new GuestError(E.NOPROTOOPT);
        // Linux fixes IPV6_V6ONLY at bind: later it is EINVAL.
        if (key === 'ipv6Only' && (sock.requestedBind !== null || sock.local !== null)) throw new GuestError(E.INVAL);
        sock.options[key] = value !== 0;
        return forward ? (value !== 0 ? 1 : 0) : null;
      }),
    [`sock_get_${name}`]: (fd: number, out: number) =>
      getOption(fd, (sock) => {
        if (!applies(key, sock)) throw new GuestError(E.NOTSUP);
        mem.u8(out, sock.options[key] ? 1 : 0);
      }),
  });

  const imports: Record<string, Import> = {
    sock_open: (_pool: number, af: number, socktype: number, fdOut: number) => {
      let fd = -1;
      const errno = traced('socket', null, () => [af === FAMILY.INET6 ? 'AF_INET6' : af === FAMILY.INET4 ? 'AF_INET' : `af ${af}`, socktype === SOCKTYPE.STREAM ? 'SOCK_STREAM' : socktype === SOCKTYPE.DGRAM ? 'SOCK_DGRAM' : `type ${socktype}`], () => {
        mem.check(fdOut, 4);
        if (af !== FAMILY.INET4 && af !== FAMILY.INET6) throw new GuestError(E.AFNOSUPPORT);
        if (socktype !== SOCKTYPE.STREAM && socktype !== SOCKTYPE.DGRAM) throw new GuestError(E.PROTOTYPE);
        const family = af === FAMILY.INET6 ? 6 : 4;
        const kind = socktype === SOCKTYPE.STREAM ? 'stream' : 'dgram';
        const reply = ok(control.call('open', { kind, family, anyAddr: anyAddr(family) }));
        const sock = new SocketFd(ctx.arena, control, reply.slot as number, kind, family, ctx.directWrite);
        fd = allocateFd(sock);
        mem.u32(fdOut, fd);
        return { result: fd };
      });
      return errno;
    },

    sock_bind: (fd: number, addrPtr: number) => {
      let shown = '?';
      return traced('bind', fd, () => [shown], () => {
        const sock = socketAt(fd);
        const addr = addrArg(addrPtr);
        shown = formatSockAddr(addr);
        sameFamily(sock, addr);
        checkPolicy('bind', addr);
        const reply = ok(control.call('bind', { slot: sock.slot, addr: ctx.policy.narrowBind(addr) }));
        sock.requestedBind = addr;
        sock.local = reply.local as SockAddr;
        if (ctx.emulate.iwasmBindLinger) {
          sock.options.linger = { on: true, seconds: 0 };
          ok(control.call('setopt', { slot: sock.slot, name: 'linger0', value: 1 }));
        }
        return { result: 0 };
      });
    },

    sock_listen: (fd: number, backlog: number) =>
      traced('listen', fd, () => [String(backlog)], () => {
        const sock = socketAt(fd);
        const reply = ok(control.call('listen', { slot: sock.slot, backlog }));
        if (!sock.requestedBind) sock.requestedBind = { family: sock.family, ip: unspecified(sock.family), port: (reply.local as SockAddr).port };
        return { result: 0 };
      }),

    sock_accept: (fd: number, fdflags: number, fdOut: number) => {
      return traced('accept', fd, () => [], () => {
        const sock = socketAt(fd);
        mem.check(fdOut, 4);
        if (sock.type === 'dgram') throw new GuestError(E.NOTSUP);
        if (!(sock.flags() & SF.LISTENING)) throw new GuestError(E.INVAL);
        const record = sock.acceptBlocking();
        const child = new SocketFd(ctx.arena, control, record.slot, 'stream', sock.family, ctx.directWrite);
        child.local = record.local;
        child.peer = record.remote;
        child.peerFromAccept = true;
        // Linux: an accepted socket inherits SO_LINGER and the keep-alive
        // timing from its listener (the I/O thread copies the host half).
        child.options.linger = { ...sock.options.linger };
        child.options.keepIdle = sock.options.keepIdle;
        child.options.keepIntvl = sock.options.keepIntvl;
        child.nonblocking = (fdflags & 4) !== 0;
        const newFd = allocateFd(child);
        mem.u32(fdOut, newFd);
        return { result: newFd, detail: formatSockAddr(child.peer) };
      });
    },

    sock_connect: (fd: number, addrPtr: number) => {
      let shown = '?';
      return traced('connect', fd, () => [shown], () => {
        const sock = socketAt(fd);
        const addr = addrArg(addrPtr);
        shown = formatSockAddr(addr);
        sameFamily(sock, addr);
        checkPolicy('connect', addr);
        if (sock.connectInProgress) {
          // Linux: connect() again after a non-blocking connect reports how
          // it went — EALREADY while pending, 0 once (then EISCONN), or its error.
          const flags = sock.flags();
          if (flags & SF.CONNECTING) throw new GuestError(E.ALREADY);
          sock.connectInProgress = false;
          if (flags & SF.CONNECTED && sock.pendingError() === 0) return { result: 0 };
          throw new GuestError(sock.takeError() || E.CONNREFUSED);
        }
        const nonblocking = sock.nonblocking && sock.type === 'stream';
        const reply = control.call('connect', { slot: sock.slot, addr, nonblocking });
        if (reply.errno === 0 || reply.errno === E.INPROGRESS) sock.peer = addr;
        if (reply.errno === E.INPROGRESS) sock.connectInProgress = true;
        ok(reply);
        if (reply.local) sock.local = reply.local as SockAddr;
        return { result: 0 };
      });
    },

    sock_addr_local: (fd: number, out: number) =>
      guarded(() => {
        const sock = socketAt(fd);
        mem.check(out, ADDR.size);
        writeAddr(mem.view(), out >>> 0, localOf(sock));
        return 0;
      }),

    sock_addr_remote: (fd: number, out: number) =>
      guarded(() => {
        const sock = socketAt(fd);
        mem.check(out, ADDR.size);
        const connected = (sock.flags() & SF.CONNECTED) !== 0;
        const fromAccept = sock.peerFromAccept;
        sock.peerFromAccept = false;
        if (!sock.peer || !connected || (sock.connectionClosed() && !fromAccept)) throw new GuestError(E.NOTCONN);
        writeAddr(mem.view(), out >>> 0, sock.peer);
        return 0;
      }),

    sock_addr_resolve: (hostPtr: number, servicePtr: number, hintsPtr: number, infoPtr: number, maxCount: number, totalOut: number) => {
      let host = '?';
      return traced('getaddrinfo', null, () => [JSON.stringify(host)], () => {
        host = mem.cString(hostPtr);
        const service = servicePtr === 0 ? '' : mem.cString(servicePtr);
        mem.check(hintsPtr, HINTS.size);
        const view = mem.view();
        const enabled = view.getUint8((hintsPtr >>> 0) + HINTS.enabled) !== 0;
        const hintType = enabled ? view.getInt32((hintsPtr >>> 0) + HINTS.type, true) : SOCKTYPE.ANY;
        const hintFamily = enabled ? view.getInt32((hintsPtr >>> 0) + HINTS.family, true) : FAMILY.UNSPEC;
        const count = maxCount >>> 0;
        mem.check(infoPtr, count * ADDR_INFO.size);
        mem.check(totalOut, 4);
        const port = /^\d+$/.test(service) ? Number(service) : 0;
        if (port > 65535) throw new GuestError(E.INVAL);
        const family = hintFamily === FAMILY.INET4 ? 4 : hintFamily === FAMILY.INET6 ? 6 : 0;
        const found = lookup(host, family);
        const allowed = found.filter((a) => ctx.policy.allowsHost(a.ip));
        if (found.length > 0 && allowed.length === 0) {
          // One line naming the name and its addresses (a connect line would
          // show port 0: the service is the guest library's business).
          const allow = /\(allow it with [^)]*\)$/.exec(ctx.policy.check('connect', { ...found[0], port: 0 }) ?? '')?.[0];
          ctx.deny(`wasock: ${host} resolves only to ${found.map((a) => a.ip).join(', ')}, which the network policy denies${allow ? ` ${allow}` : ''}`);
          throw new GuestError(E.ACCES);
        }
        const type = hintType === SOCKTYPE.DGRAM ? SOCKTYPE.DGRAM : SOCKTYPE.STREAM;
        const out = mem.view();
        allowed.slice(0, count).forEach((a, i) => {
          const entry = (infoPtr >>> 0) + i * ADDR_INFO.size;
          writeAddr(out, entry + ADDR_INFO.addr, { ...a, port });
          out.setInt32(entry + ADDR_INFO.type, type, true);
        });
        mem.u32(totalOut, allowed.length);
        return { result: 0, detail: allowed.map((a) => a.ip).join(' ') };
      });
    },

    sock_send_to: (fd: number, iovs: number, iovcnt: number, _siflags: number, destPtr: number, sentOut: number) => {
      let shown = '?';
      let length = 0;
      return traced('sendto', fd, () => [String(length), shown], () => {
        const { sock, bufs: srcs, length: total } = socketBuffers(fd, iovs, iovcnt);
        length = total;
        mem.check(sentOut, 4);
        const dest = addrArg(destPtr);
        shown = formatSockAddr(dest);
        sameFamily(sock, dest);
        // Port 0 is no destination (Linux: EINVAL for UDP, after the send
        // bound the socket to an ephemeral port; TCP ignores the address).
        if (dest.port === 0 && sock.type === 'dgram') {
          if (sock.local === null) sock.local = ok(control.call('bind', { slot: sock.slot, addr: { family: sock.family, ip: anyAddr(sock.family), port: 0 } })).local as SockAddr;
          throw new GuestError(E.INVAL);
        }
        checkPolicy('sendto', dest);
        const n = ioResult(send(sock, srcs, dest));
        mem.u32(sentOut, n);
        return { result: n };
      });
    },

    sock_recv_from: (fd: number, iovs: number, iovcnt: number, riflags: number, srcOut: number, recvdOut: number) => {
      let length = 0;
      return traced('recvfrom', fd, () => [String(length)], () => {
        const { sock, bufs: dsts, length: total } = socketBuffers(fd, iovs, iovcnt);
        length = total;
        mem.check(recvdOut, 4);
        if (srcOut !== 0) mem.check(srcOut, ADDR.size);
        const r = recv(sock, dsts, riflags);
        const n = ioResult(r);
        if (srcOut !== 0) {
          if (r.errno === 0 && r.from) mem.bytes(srcOut, ADDR.size).set(r.from);
          else if (sock.peer) writeAddr(mem.view(), srcOut >>> 0, sock.peer);
        }
        mem.u32(recvdOut, n);
        const from = r.errno === 0 && r.from ? readAddr(new DataView(r.from.buffer, r.from.byteOffset), 0) : null;
        return { result: n, detail: from ? formatSockAddr(from) : undefined };
      });
    },

    sock_send: (fd: number, iovs: number, iovcnt: number, _siflags: number, sentOut: number) => {
      let length = 0;
      return traced('send', fd, () => [String(length)], () => {
        const { sock, bufs: srcs, length: total } = socketBuffers(fd, iovs, iovcnt);
        length = total;
        mem.check(sentOut, 4);
        // Zero bytes on a stream: report (and clear) the pending error — the
        // SO_ERROR convention of docs/abi.md.
        if (length === 0 && sock.type === 'stream') {
          if (ctx.emulate.iwasmEmptySend) throw new GuestError(E.INVAL);
          const pending = sock.takeError();
          if (pending !== 0) throw new GuestError(pending);
          mem.u32(sentOut, 0);
          return { result: 0 };
        }
        const n = ioResult(send(sock, srcs, null));
        mem.u32(sentOut, n);
        return { result: n };
      });
    },

    sock_recv: (fd: number, iovs: number, iovcnt: number, riflags: number, recvdOut: number, roflagsOut: number) => {
      let length = 0;
      return traced('recv', fd, () => [String(length)], () => {
        const { sock, bufs: dsts, length: total } = socketBuffers(fd, iovs, iovcnt);
        length = total;
        mem.check(recvdOut, 4);
        mem.check(roflagsOut, 2);
        const r = recv(sock, dsts, riflags);
        const n = ioResult(r);
        mem.u32(recvdOut, n);
        mem.u16(roflagsOut, r.errno === 0 && r.truncated ? ROFLAGS.RECV_DATA_TRUNCATED : 0);
        return { result: n };
      });
    },

    sock_shutdown: (fd: number, how: number) =>
      traced('shutdown', fd, () => [how === 1 ? 'SHUT_RD' : how === 2 ? 'SHUT_WR' : how === 3 ? 'SHUT_RDWR' : String(how)], () => {
        const sock = socketAt(fd);
        if ((how & ~(SDFLAGS.RD | SDFLAGS.WR)) !== 0 || how === 0) throw new GuestError(E.INVAL);
        const flags = sock.flags();
        if (flags & SF.LISTENING) {
          // Linux: SHUT_RD on a listening socket stops it listening; SHUT_WR alone does nothing.
          if (how & SDFLAGS.RD) ok(control.call('shutdown', { slot: sock.slot, how }));
          return { result: 0 };
        }
        if (!(flags & SF.CONNECTED)) throw new GuestError(E.NOTCONN);
        // Whether both directions already finished (TCP_CLOSE: ENOTCONN) is
        // the host's to say, after the event loop polled (SocketHost's
        // shutdownConnected). Not checked here: in JSPI mode this import runs
        // again after the call (jspi/replay.ts) and would see the flags the
        // shutdown itself set.
        ok(control.call('shutdown', { slot: sock.slot, how }));
        return { result: 0 };
      }),

    ...boolOption('reuse_addr', 'reuseAddr', true),
    ...boolOption('reuse_port', 'reusePort', true),
    ...boolOption('keep_alive', 'keepAlive', true),
    ...boolOption('tcp_no_delay', 'noDelay', true),
    ...boolOption('broadcast', 'broadcast', true),
    ...boolOption('ipv6_only', 'ipv6Only', true),

    // Linux doubles the requested size (bookkeeping overhead) and clamps it.
    sock_set_recv_buf_size: (fd: number, size: number) =>
      setOption(fd, 'recv_buf_size', (sock) => {
        sock.options.recvBufSize = Math.min(Math.max((size >>> 0) * 2, 2304), 425984);
        return null;
      }),
    sock_get_recv_buf_size: (fd: number, out: number) => getOption(fd, (sock) => mem.u32(out, sock.options.recvBufSize)),
    sock_set_send_buf_size: (fd: number, size: number) =>
      setOption(fd, 'send_buf_size', (sock) => {
        sock.options.sendBufSize = Math.min(Math.max((size >>> 0) * 2, 4608), 425984);
        return null;
      }),
    sock_get_send_buf_size: (fd: number, out: number) => getOption(fd, (sock) => mem.u32(out, sock.options.sendBufSize)),

    sock_set_ip_ttl: (fd: number, ttl: number) =>
      setOption(fd, 'ip_ttl', (sock) => {
        if (ttl < 1 || ttl > 255) throw new GuestError(E.INVAL);
        sock.options.ttl = ttl;
        return ttl;
      }),
    sock_get_ip_ttl: (fd: number, out: number) => getOption(fd, (sock) => mem.u8(out, sock.options.ttl)),

    sock_set_linger: (fd: number, on: number, seconds: number) =>
      setOption(fd, 'linger', (sock) => {
        sock.options.linger = { on: on !== 0, seconds };
        ok(control.call('setopt', { slot: sock.slot, name: 'linger0', value: on !== 0 && seconds === 0 ? 1 : 0 }));
        return null;
      }),
    sock_get_linger: (fd: number, onOut: number, secondsOut: number) =>
      getOption(fd, (sock) => {
        mem.u8(onOut, sock.options.linger.on ? 1 : 0);
        mem.i32(secondsOut, sock.options.linger.seconds);
      }),

    sock_set_recv_timeout: ((fd: number, micros: bigint) =>
      setOption(fd, 'recv_timeout', (sock) => {
        if (micros < 0n) throw new GuestError(E.INVAL);
        sock.options.recvTimeoutUs = micros;
        return null;
      })) as Import,
    sock_get_recv_timeout: (fd: number, out: number) => getOption(fd, (sock) => mem.u64(out, sock.options.recvTimeoutUs)),
    sock_set_send_timeout: ((fd: number, micros: bigint) =>
      setOption(fd, 'send_timeout', (sock) => {
        if (micros < 0n) throw new GuestError(E.INVAL);
        sock.options.sendTimeoutUs = micros;
        return null;
      })) as Import,
    sock_get_send_timeout: (fd: number, out: number) => getOption(fd, (sock) => mem.u64(out, sock.options.sendTimeoutUs)),

    // --- the rest of WAMR's table (docs/abi.md) ---------------------------

    // iwasm answers ENOSYS here; closing is what a caller means, so wasock
    // closes the socket as fd_close does.
    sock_close: (fd: number) =>
      traced('close', fd, () => [], () => {
        const sock = socketAt(fd);
        ctx.fds[fd] = undefined;
        const errno = sock.fd_close();
        if (errno !== 0) throw new GuestError(errno);
        return { result: 0 };
      }),

    // TCP_KEEPIDLE: seconds 1..32767 (Linux's MAX_TCP_KEEPIDLE); applied
    // through the backend with SO_KEEPALIVE (Node's setKeepAlive delay).
    sock_set_tcp_keep_idle: (fd: number, seconds: number) =>
      setOption(fd, 'keep_idle', (sock) => {
        streamOnlySet(sock);
        if (seconds < 1 || seconds > MAX_KEEP_SECONDS) throw new GuestError(E.INVAL);
        sock.options.keepIdle = seconds;
        return seconds;
      }),
    sock_get_tcp_keep_idle: (fd: number, out: number) => getOption(fd, (sock) => mem.u32(out, streamOnlyGet(sock).options.keepIdle)),
    // TCP_KEEPINTVL: stored and read back (Node offers no way to set it).
    sock_set_tcp_keep_intvl: (fd: number, seconds: number) =>
      setOption(fd, 'keep_intvl', (sock) => {
        streamOnlySet(sock);
        if (seconds < 1 || seconds > MAX_KEEP_SECONDS) throw new GuestError(E.INVAL);
        sock.options.keepIntvl = seconds;
        return null;
      }),
    sock_get_tcp_keep_intvl: (fd: number, out: number) => getOption(fd, (sock) => mem.u32(out, streamOnlyGet(sock).options.keepIntvl)),
    // TCP_FASTOPEN_CONNECT: 0 or 1, only before the socket listens or
    // connects (Linux: EINVAL otherwise); accepted and reported back.
    sock_set_tcp_fastopen_connect: (fd: number, value: number) =>
      setOption(fd, 'tcp_fastopen_connect', (sock) => {
        streamOnlySet(sock);
        if (value !== 0 && value !== 1) throw new GuestError(E.INVAL);
        if (sock.flags() & (SF.LISTENING | SF.CONNECTED | SF.CONNECTING) || sock.connectInProgress) throw new GuestError(E.INVAL);
        sock.options.fastOpenConnect = value === 1;
        return null;
      }),
    sock_get_tcp_fastopen_connect: (fd: number, out: number) => getOption(fd, (sock) => mem.u8(out, streamOnlyGet(sock).options.fastOpenConnect ? 1 : 0)),
    // TCP_QUICKACK: accepted and reported back.
    sock_set_tcp_quick_ack: (fd: number, value: number) =>
      setOption(fd, 'tcp_quick_ack', (sock) => {
        streamOnlySet(sock);
        sock.options.quickAck = value !== 0;
        return null;
      }),
    sock_get_tcp_quick_ack: (fd: number, out: number) => getOption(fd, (sock) => mem.u8(out, streamOnlyGet(sock).options.quickAck ? 1 : 0)),

    // IP_MULTICAST_TTL: 0..255; Linux refuses it on a stream socket (EINVAL)
    // but reads it back there.
    sock_set_ip_multicast_ttl: (fd: number, ttl: number) =>
      setOption(fd, 'multicast_ttl', (sock) => {
        if (sock.type === 'stream' || ttl < 0 || ttl > 255) throw new GuestError(E.INVAL);
        sock.options.multicastTtl = ttl;
        return ttl;
      }),
    sock_get_ip_multicast_ttl: (fd: number, out: number) => getOption(fd, (sock) => mem.u8(out, sock.options.multicastTtl)),
    // (fd, ipv6, enabled): IP_MULTICAST_LOOP or, with ipv6 = 1,
    // IPV6_MULTICAST_LOOP (IPv6 sockets only; the value must be 0 or 1).
    sock_set_ip_multicast_loop: (fd: number, ipv6: number, enabled: number) =>
      setOption(fd, ipv6 === MULTICAST_LOOP_IPV6 ? 'ipv6_multicast_loop' : 'multicast_loop', (sock) => {
        if (ipv6 !== 0 && ipv6 !== MULTICAST_LOOP_IPV6) throw new GuestError(E.INVAL);
        if (ipv6 === MULTICAST_LOOP_IPV6) {
          if (sock.family !== 6) throw new GuestError(E.NOPROTOOPT);
          if (enabled !== 0 && enabled !== 1) throw new GuestError(E.INVAL);
          sock.options.multicastLoop6 = enabled === 1;
          return null;
        }
        sock.options.multicastLoop = enabled !== 0;
        return sock.type === 'dgram' ? sock.options.multicastLoop ? 1 : 0 : null;
      }),
    sock_get_ip_multicast_loop: (fd: number, ipv6: number, out: number) =>
      getOption(fd, (sock) => {
        if (ipv6 !== 0 && ipv6 !== MULTICAST_LOOP_IPV6) throw new GuestError(E.INVAL);
        if (ipv6 === MULTICAST_LOOP_IPV6 && sock.family !== 6) throw new GuestError(E.NOTSUP);
        mem.u8(out, (ipv6 === MULTICAST_LOOP_IPV6 ? sock.options.multicastLoop6 : sock.options.multicastLoop) ? 1 : 0);
      }),
    sock_set_ip_add_membership: (fd: number, groupPtr: number, iface: number) => membership(fd, groupPtr, iface, true),
    sock_set_ip_drop_membership: (fd: number, groupPtr: number, iface: number) => membership(fd, groupPtr, iface, false),
  };
  return imports;
}

/**
 * fd_read / fd_write that serve sockets and stdin straight from the rings
 * (one copy, into or out of guest memory); other fds go to `fallback`.
 */
export function streamImports(ctx: SocketContext, fallback: { fd_read: Import; fd_write: Import; fd_close: Import }): Record<string, Import> {
  const { mem } = ctx;
  const trace = (call: string, fd: number, length: number, errno: number, n: number) =>
    ctx.trace?.({ call, fd, args: [String(length)], result: errno === 0 ? n : -1, errno, time: performance.now() - ctx.started });
  return {
    fd_close: (fd: number) => {
      const obj = ctx.fds[fd];
      if (!(obj instanceof SocketFd)) return (fallback.fd_close as (...a: number[]) => number)(fd);
      ctx.fds[fd] = undefined;
      const errno = obj.fd_close();
      ctx.trace?.({ call: 'close', fd, args: [], result: errno === 0 ? 0 : -1, errno, time: performance.now() - ctx.started });
      return errno;
    },
    fd_read: (fd: number, iovs: number, iovcnt: number, nreadOut: number) => {
      const obj = ctx.fds[fd];
      if (obj instanceof StdinFd) {
        return guarded(() => {
          const dsts = mem.iovecs(iovs, iovcnt);
          mem.check(nreadOut, 4);
          const r = obj.readInto(dsts, obj.nonblocking);
          if (r.errno !== 0) return r.errno;
          mem.u32(nreadOut, r.n);
          return 0;
        });
      }
      if (!(obj instanceof SocketFd)) return (fallback.fd_read as (...a: number[]) => number)(fd, iovs, iovcnt, nreadOut);
      let length = 0;
      let r: IoResult = { errno: 0, n: 0 };
      const errno = guarded(() => {
        const dsts = mem.iovecs(iovs, iovcnt);
        length = totalLength(dsts);
        mem.check(nreadOut, 4);
        r = obj.type === 'stream' ? obj.recvStream(dsts, 0, obj.nonblocking) : obj.recvDatagram(dsts, 0, obj.nonblocking);
        if (r.errno !== 0) return r.errno;
        mem.u32(nreadOut, r.n);
        return 0;
      });
      trace('read', fd, length, errno, r.n);
      return errno;
    },
    fd_write: (fd: number, iovs: number, iovcnt: number, nwrittenOut: number) => {
      const obj = ctx.fds[fd];
      if (!(obj instanceof SocketFd)) {
        // browser_wasi_shim clamps a buffer that runs past memory (a short
        // write reported as success) and knows no IOV_MAX: check the
        // arguments as writev does (EINVAL, EFAULT) before handing over.
        const errno = obj === undefined ? 0 : guarded(() => {
          mem.iovecs(iovs, iovcnt);
          mem.check(nwrittenOut, 4);
          return 0;
        });
        return errno !== 0 ? errno : (fallback.fd_write as (...a: number[]) => number)(fd, iovs, iovcnt, nwrittenOut);
      }
      let length = 0;
      let r: IoResult = { errno: 0, n: 0 };
      const errno = guarded(() => {
        const srcs = mem.iovecs(iovs, iovcnt);
        length = totalLength(srcs);
        mem.check(nwrittenOut, 4);
        if (obj.type === 'dgram') {
          r = obj.peer ? obj.sendDatagram(srcs, obj.peer, obj.nonblocking) : { errno: E.DESTADDRREQ, n: 0 };
        } else {
          r = obj.sendStream(srcs, obj.nonblocking);
        }
        if (r.errno !== 0) return r.errno;
        mem.u32(nwrittenOut, r.n);
        return 0;
      });
      trace('write', fd, length, errno, r.n);
      return errno;
    },
  };
}
