// Every import the fuzzer calls, with its wasm parameter types (docs/abi.md
// and WASI preview 1). proc_exit and the file-system calls are left out: the
// first ends the run, the others are browser_wasi_shim's, not ours.

import type { ParamType } from '../helpers/wasm-bytes.js';

const i32 = (n: number): ParamType[] => Array.from({ length: n }, () => 'i32');

const bools = [
  'reuse_addr', 'reuse_port', 'keep_alive', 'tcp_no_delay', 'broadcast', 'ipv6_only', 'recv_buf_size', 'send_buf_size', 'ip_ttl',
  'tcp_keep_idle', 'tcp_keep_intvl', 'tcp_fastopen_connect', 'tcp_quick_ack', 'ip_multicast_ttl',
];

export const FUZZED_IMPORTS: { name: string; params: ParamType[] }[] = [
  { name: 'fd_read', params: i32(4) },
  { name: 'fd_write', params: i32(4) },
  { name: 'fd_close', params: i32(1) },
  { name: 'fd_fdstat_get', params: i32(2) },
  { name: 'fd_fdstat_set_flags', params: i32(2) },
  { name: 'fd_prestat_get', params: i32(2) },
  { name: 'fd_filestat_get', params: i32(2) },
  { name: 'poll_oneoff', params: i32(4) },
  { name: 'sock_open', params: i32(4) },
  { name: 'sock_bind', params: i32(2) },
  { name: 'sock_connect', params: i32(2) },
  { name: 'sock_listen', params: i32(2) },
  { name: 'sock_accept', params: i32(3) },
  { name: 'sock_addr_local', params: i32(2) },
  { name: 'sock_addr_remote', params: i32(2) },
  { name: 'sock_addr_resolve', params: i32(6) },
  { name: 'sock_send_to', params: i32(6) },
  { name: 'sock_recv_from', params: i32(6) },
  { name: 'sock_send', params: i32(5) },
  { name: 'sock_recv', params: i32(6) },
  { name: 'sock_shutdown', params: i32(2) },
  ...bools.flatMap((o) => [
    { name: `sock_set_${o}`, params: i32(2) },
    { name: `sock_get_${o}`, params: i32(2) },
  ]),
  { name: 'sock_set_linger', params: i32(3) },
  { name: 'sock_get_linger', params: i32(3) },
  { name: 'sock_set_recv_timeout', params: ['i32', 'i64'] },
  { name: 'sock_get_recv_timeout', params: i32(2) },
  { name: 'sock_set_send_timeout', params: ['i32', 'i64'] },
  { name: 'sock_get_send_timeout', params: i32(2) },
  { name: 'sock_set_ip_multicast_loop', params: i32(3) },
  { name: 'sock_get_ip_multicast_loop', params: i32(3) },
  { name: 'sock_set_ip_add_membership', params: i32(3) },
  { name: 'sock_set_ip_drop_membership', params: i32(3) },
  { name: 'sock_close', params: i32(1) },
  // wasock's own epoll (docs/abi.md, "wasock's extensions"); the worker keeps epoll_wait's timeout at 0.
  { name: 'wasock_epoll_create', params: i32(1) },
  { name: 'wasock_epoll_ctl', params: i32(4) },
  { name: 'wasock_epoll_wait', params: i32(5) },
  // wasock's thread extensions (docs/abi.md), as the worker-mode guest the
  // fuzzer runs has them. wasock_thread_exit is left out: with threads,
  // like proc_exit, it does not return.
  { name: 'wasock_thread_spawn', params: i32(3) },
  { name: 'wasock_futex_wait', params: ['i32', 'i32', 'i64'] },
  { name: 'wasock_futex_wake', params: i32(2) },
];
