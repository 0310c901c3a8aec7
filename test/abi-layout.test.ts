// The C and TypeScript halves of the ABI must agree on every layout and
// constant: a wasm program prints sizeof/offsetof from libsock's ABI header
// and this compares it with host/src/abi/sock.ts.

import { expect, it } from 'vitest';
import { ADDR, ADDR_INFO, ADDR_KIND, FAMILY, HINTS, IP_RECORD, MULTICAST_LOOP_IPV6, SOCKTYPE } from '../host/src/abi/sock.js';
import { FDFLAGS, FILETYPE, IOVEC, RIFLAGS, ROFLAGS, SDFLAGS } from '../host/src/abi/wasi.js';
import { EPOLL, EPOLL_CTL, EPOLL_EVENT } from '../host/src/abi/epoll.js';
import { run } from './helpers/programs.js';

it('libsock and the host agree on the ABI layouts and constants', async () => {
  const r = await run('wasm', 'abi_layout', []);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const c = JSON.parse(r.stdout);
  expect(c.addr).toEqual({ size: ADDR.size, align: ADDR.align, kind: ADDR.kind, ip4: ADDR.ip4, ip4_port: ADDR.ip4Port, ip6: ADDR.ip6, ip6_port: ADDR.ip6Port });
  expect(c.addr_info).toEqual({ size: ADDR_INFO.size, addr: ADDR_INFO.addr, type: ADDR_INFO.type });
  expect(c.hints).toEqual({ size: HINTS.size, type: HINTS.type, family: HINTS.family, enabled: HINTS.enabled });
  expect(c.iovec).toEqual({ size: IOVEC.size, buf: IOVEC.buf, len: IOVEC.len });
  expect(c.ip_record).toEqual({ size: IP_RECORD.size, kind: IP_RECORD.kind, ip4: IP_RECORD.ip4, ip6: IP_RECORD.ip6, multicast_loop_ipv6: MULTICAST_LOOP_IPV6 });
  expect(c.epoll_event).toEqual({
    size: EPOLL_EVENT.size, events: EPOLL_EVENT.events, data: EPOLL_EVENT.data,
    ctl_add: EPOLL_CTL.ADD, ctl_del: EPOLL_CTL.DEL, ctl_mod: EPOLL_CTL.MOD,
    in: EPOLL.IN, out: EPOLL.OUT, rdhup: EPOLL.RDHUP, oneshot: EPOLL.ONESHOT, et: EPOLL.ET >>> 0,
  });
  expect(c.consts).toEqual({
    addr_kind_ip4: ADDR_KIND.IPV4, addr_kind_ip6: ADDR_KIND.IPV6,
    socktype_dgram: SOCKTYPE.DGRAM, socktype_stream: SOCKTYPE.STREAM, socktype_any: SOCKTYPE.ANY,
    family_inet4: FAMILY.INET4, family_inet6: FAMILY.INET6, family_unspec: FAMILY.UNSPEC,
    fdflags_nonblock: FDFLAGS.NONBLOCK, riflags_peek: RIFLAGS.RECV_PEEK, riflags_waitall: RIFLAGS.RECV_WAITALL,
    roflags_data_truncated: ROFLAGS.RECV_DATA_TRUNCATED, sdflags_rd: SDFLAGS.RD, sdflags_wr: SDFLAGS.WR,
    filetype_socket_dgram: FILETYPE.SOCKET_DGRAM, filetype_socket_stream: FILETYPE.SOCKET_STREAM,
  });
});
