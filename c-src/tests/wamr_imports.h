/*
 * wamr_imports.h: WAMR's socket imports as a program built for WAMR's
 * convention sees them: all 52 sock_* functions of iwasm's host, declared
 * straight from their names and signatures (shared/wamr-abi.md; the meaning
 * of each in docs/abi.md), with no libsock in between. This header is ours;
 * only the facts (names, parameter order, layouts) are WAMR's.
 *
 * Built for wasm, every function is an import from wasi_snapshot_preview1.
 * Built natively, wamr_native.h defines the same functions over POSIX
 * sockets, the way a runtime's host does, so the same checks run natively
 * and their output can be compared.
 *
 * Every function returns an errno: WASI's numbering in wasm (which is also
 * wasi-libc's errno), the C library's natively.
 */
#ifndef WAMR_IMPORTS_H
#define WAMR_IMPORTS_H

#include <stddef.h>
#include <stdint.h>

#define WAMR_KIND_IPV4 0
#define WAMR_KIND_IPV6 1
#define WAMR_SOCK_DGRAM 0
#define WAMR_SOCK_STREAM 1
#define WAMR_SOCK_ANY (-1)
#define WAMR_AF_INET4 0
#define WAMR_AF_INET6 1
#define WAMR_AF_UNSPEC 2
#define WAMR_SHUT_RD 1
#define WAMR_SHUT_WR 2
#define WAMR_FDFLAG_NONBLOCK 4
#define WAMR_RIFLAG_PEEK 1

/* An address: kind, then IPv4 octets (network order) and a host-order port,
 * or eight host-order IPv6 groups and a port. 24 bytes. */
typedef struct wamr_addr {
    uint32_t kind;
    union {
        struct {
            uint8_t octets[4];
            uint16_t port;
        } v4;
        struct {
            uint16_t groups[8];
            uint16_t port;
        } v6;
    } u;
} wamr_addr;

/* A group for add/drop membership: an address without a port. 20 bytes. */
typedef struct wamr_ip {
    uint32_t kind;
    union {
        uint8_t octets[4];
        uint16_t groups[8];
    } u;
} wamr_ip;

typedef struct wamr_addr_info {
    wamr_addr addr;
    int32_t type;
} wamr_addr_info;

typedef struct wamr_hints {
    int32_t type;
    int32_t family;
    uint8_t enabled;
} wamr_hints;

/* preview 1's iovec: a pointer and a length (8 bytes in wasm32). */
typedef struct wamr_iovec {
    uint8_t *buf;
    size_t len;
} wamr_iovec;

#ifdef __wasm__
#define WAMR_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
#else
#define WAMR_IMPORT(name)
#endif

/* Signature letters from the table in the comment of each group:
 * i = i32, I = i64, * = pointer, $ = NUL-terminated string. */

WAMR_IMPORT(sock_accept) int32_t wamr_sock_accept(int32_t fd, int32_t fdflags, uint32_t *fd_out); /* (ii*)i */
WAMR_IMPORT(sock_addr_local) int32_t wamr_sock_addr_local(int32_t fd, wamr_addr *out);          /* (i*)i */
WAMR_IMPORT(sock_addr_remote) int32_t wamr_sock_addr_remote(int32_t fd, wamr_addr *out);        /* (i*)i */
WAMR_IMPORT(sock_addr_resolve)
int32_t wamr_sock_addr_resolve(const char *host, const char *service, const wamr_hints *hints, wamr_addr_info *info,
                               int32_t max_count, uint32_t *total); /* ($$**i*)i */
WAMR_IMPORT(sock_bind) int32_t wamr_sock_bind(int32_t fd, const wamr_addr *addr);       /* (i*)i */
WAMR_IMPORT(sock_close) int32_t wamr_sock_close(int32_t fd);                            /* (i)i */
WAMR_IMPORT(sock_connect) int32_t wamr_sock_connect(int32_t fd, const wamr_addr *addr); /* (i*)i */
WAMR_IMPORT(sock_listen) int32_t wamr_sock_listen(int32_t fd, int32_t backlog);         /* (ii)i */
WAMR_IMPORT(sock_open) int32_t wamr_sock_open(int32_t poolfd, int32_t af, int32_t type, uint32_t *fd_out); /* (iii*)i */
WAMR_IMPORT(sock_recv)
int32_t wamr_sock_recv(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t riflags, uint32_t *recvd,
                       uint16_t *roflags); /* (i*ii**)i */
WAMR_IMPORT(sock_recv_from)
int32_t wamr_sock_recv_from(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t riflags, wamr_addr *src,
                            uint32_t *recvd); /* (i*ii**)i */
WAMR_IMPORT(sock_send)
int32_t wamr_sock_send(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t siflags, uint32_t *sent); /* (i*ii*)i */
WAMR_IMPORT(sock_send_to)
int32_t wamr_sock_send_to(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t siflags, const wamr_addr *dest,
                          uint32_t *sent); /* (i*ii**)i */
WAMR_IMPORT(sock_shutdown) int32_t wamr_sock_shutdown(int32_t fd, int32_t how); /* (ii)i */

/* Options: (ii)i setters and (i*)i getters unless noted. */
WAMR_IMPORT(sock_set_broadcast) int32_t wamr_sock_set_broadcast(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_broadcast) int32_t wamr_sock_get_broadcast(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_ip_multicast_loop) int32_t wamr_sock_set_ip_multicast_loop(int32_t fd, int32_t ipv6, int32_t on); /* (iii)i */
WAMR_IMPORT(sock_get_ip_multicast_loop) int32_t wamr_sock_get_ip_multicast_loop(int32_t fd, int32_t ipv6, uint8_t *out); /* (ii*)i */
WAMR_IMPORT(sock_set_ip_multicast_ttl) int32_t wamr_sock_set_ip_multicast_ttl(int32_t fd, int32_t ttl);
WAMR_IMPORT(sock_get_ip_multicast_ttl) int32_t wamr_sock_get_ip_multicast_ttl(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_ip_add_membership)
int32_t wamr_sock_set_ip_add_membership(int32_t fd, const wamr_ip *group, uint32_t iface); /* (i*i)i */
WAMR_IMPORT(sock_set_ip_drop_membership)
int32_t wamr_sock_set_ip_drop_membership(int32_t fd, const wamr_ip *group, uint32_t iface); /* (i*i)i */
WAMR_IMPORT(sock_set_ip_ttl) int32_t wamr_sock_set_ip_ttl(int32_t fd, int32_t ttl);
WAMR_IMPORT(sock_get_ip_ttl) int32_t wamr_sock_get_ip_ttl(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_ipv6_only) int32_t wamr_sock_set_ipv6_only(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_ipv6_only) int32_t wamr_sock_get_ipv6_only(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_keep_alive) int32_t wamr_sock_set_keep_alive(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_keep_alive) int32_t wamr_sock_get_keep_alive(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_linger) int32_t wamr_sock_set_linger(int32_t fd, int32_t on, int32_t seconds); /* (iii)i */
WAMR_IMPORT(sock_get_linger) int32_t wamr_sock_get_linger(int32_t fd, uint8_t *on, int32_t *seconds); /* (i**)i */
WAMR_IMPORT(sock_set_recv_buf_size) int32_t wamr_sock_set_recv_buf_size(int32_t fd, int32_t size);
WAMR_IMPORT(sock_get_recv_buf_size) int32_t wamr_sock_get_recv_buf_size(int32_t fd, uint32_t *out);
WAMR_IMPORT(sock_set_recv_timeout) int32_t wamr_sock_set_recv_timeout(int32_t fd, int64_t us); /* (iI)i */
WAMR_IMPORT(sock_get_recv_timeout) int32_t wamr_sock_get_recv_timeout(int32_t fd, uint64_t *out);
WAMR_IMPORT(sock_set_reuse_addr) int32_t wamr_sock_set_reuse_addr(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_reuse_addr) int32_t wamr_sock_get_reuse_addr(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_reuse_port) int32_t wamr_sock_set_reuse_port(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_reuse_port) int32_t wamr_sock_get_reuse_port(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_send_buf_size) int32_t wamr_sock_set_send_buf_size(int32_t fd, int32_t size);
WAMR_IMPORT(sock_get_send_buf_size) int32_t wamr_sock_get_send_buf_size(int32_t fd, uint32_t *out);
WAMR_IMPORT(sock_set_send_timeout) int32_t wamr_sock_set_send_timeout(int32_t fd, int64_t us); /* (iI)i */
WAMR_IMPORT(sock_get_send_timeout) int32_t wamr_sock_get_send_timeout(int32_t fd, uint64_t *out);
WAMR_IMPORT(sock_set_tcp_fastopen_connect) int32_t wamr_sock_set_tcp_fastopen_connect(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_tcp_fastopen_connect) int32_t wamr_sock_get_tcp_fastopen_connect(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_tcp_keep_idle) int32_t wamr_sock_set_tcp_keep_idle(int32_t fd, int32_t seconds);
WAMR_IMPORT(sock_get_tcp_keep_idle) int32_t wamr_sock_get_tcp_keep_idle(int32_t fd, uint32_t *out);
WAMR_IMPORT(sock_set_tcp_keep_intvl) int32_t wamr_sock_set_tcp_keep_intvl(int32_t fd, int32_t seconds);
WAMR_IMPORT(sock_get_tcp_keep_intvl) int32_t wamr_sock_get_tcp_keep_intvl(int32_t fd, uint32_t *out);
WAMR_IMPORT(sock_set_tcp_no_delay) int32_t wamr_sock_set_tcp_no_delay(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_tcp_no_delay) int32_t wamr_sock_get_tcp_no_delay(int32_t fd, uint8_t *out);
WAMR_IMPORT(sock_set_tcp_quick_ack) int32_t wamr_sock_set_tcp_quick_ack(int32_t fd, int32_t on);
WAMR_IMPORT(sock_get_tcp_quick_ack) int32_t wamr_sock_get_tcp_quick_ack(int32_t fd, uint8_t *out);

#endif /* WAMR_IMPORTS_H */
