/*
 * wamr_abi.c: a program written to WAMR's socket convention. It declares the
 * 52 sock_* imports itself (wamr_imports.h, no libsock calls) and calls every
 * one with valid arguments (a TCP connection, datagrams, name resolution,
 * every option set and read back) and with invalid ones (bad and non-socket
 * descriptors, out-of-range values, wrong socket types). Natively the same
 * calls go to wamr_native.h's POSIX implementation, so test/imports.test.ts
 * compares the two outputs line for line.
 *
 * `wamr_abi faults` (wasm only) instead passes pointers outside linear memory
 * and malformed records, which a host must answer with an errno (EFAULT,
 * EINVAL, EAFNOSUPPORT), never a crash; and joins a multicast group, which
 * wasock's default network policy refuses (EACCES).
 */
#ifndef __wasm__
#define _GNU_SOURCE /* accept4 */
#endif
#include <signal.h>

#include "common.h"
#include "wamr_imports.h"
#ifndef __wasm__
#include "wamr_native.h"
#endif

#define BAD_FD 9999
/* An open descriptor that is not a socket. Not stdout natively: a test
 * harness (Node's child_process) may hand a program socketpairs as stdio. */
static int NOT_SOCKET = 1;

static void show(const char *what, int err) { printf("%s: %s\n", what, errname(err)); }

static wamr_addr lo4(uint16_t port) {
    wamr_addr a;
    memset(&a, 0, sizeof a);
    a.kind = WAMR_KIND_IPV4;
    a.u.v4.octets[0] = 127;
    a.u.v4.octets[3] = 1;
    a.u.v4.port = port;
    return a;
}

static wamr_ip group4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    wamr_ip g;
    memset(&g, 0, sizeof g);
    g.kind = WAMR_KIND_IPV4;
    g.u.octets[0] = a;
    g.u.octets[1] = b;
    g.u.octets[2] = c;
    g.u.octets[3] = d;
    return g;
}

/* The address without ephemeral ports: kind and IP. */
static const char *ip_of(const wamr_addr *a) {
    static char text[64];
    if (a->kind == WAMR_KIND_IPV4)
        snprintf(text, sizeof text, "v4 %d.%d.%d.%d", a->u.v4.octets[0], a->u.v4.octets[1], a->u.v4.octets[2],
                 a->u.v4.octets[3]);
    else if (a->kind == WAMR_KIND_IPV6)
        snprintf(text, sizeof text, "v6 %x:%x:%x:%x:%x:%x:%x:%x", a->u.v6.groups[0], a->u.v6.groups[1],
                 a->u.v6.groups[2], a->u.v6.groups[3], a->u.v6.groups[4], a->u.v6.groups[5], a->u.v6.groups[6],
                 a->u.v6.groups[7]);
    else
        snprintf(text, sizeof text, "kind %u", (unsigned)a->kind);
    return text;
}

static uint16_t port_of_addr(const wamr_addr *a) { return a->kind == WAMR_KIND_IPV4 ? a->u.v4.port : a->u.v6.port; }

static uint32_t open_sock(int32_t af, int32_t type) {
    uint32_t fd = 0;
    int err = wamr_sock_open(-1, af, type, &fd);
    if (err != 0) {
        printf("FAILED sock_open: %s\n", errname(err));
        exit(1);
    }
    return fd;
}

static void connection(void) {
    printf("-- a TCP connection\n");
    uint32_t l = 0, c = 0, a = 0;
    show("sock_open stream", wamr_sock_open(-1, WAMR_AF_INET4, WAMR_SOCK_STREAM, &l));
    wamr_addr at = lo4(0), local, remote;
    show("sock_bind 127.0.0.1:0", wamr_sock_bind(l, &at));
    show("sock_bind again", wamr_sock_bind(l, &at));
    show("sock_addr_local", wamr_sock_addr_local(l, &local));
    printf("  local %s, port chosen: %d\n", ip_of(&local), port_of_addr(&local) != 0);
    show("sock_accept before listen", wamr_sock_accept(l, 0, &a));
    show("sock_listen", wamr_sock_listen(l, 5));
    /* (A socket of its own: Linux keeps the shutdown of an unconnected
     * socket, which a later connect does not undo.) */
    uint32_t u = open_sock(WAMR_AF_INET4, WAMR_SOCK_STREAM);
    show("sock_addr_remote unconnected", wamr_sock_addr_remote(u, &remote));
    uint32_t n = 0;
    wamr_iovec one = {(uint8_t *)"x", 1};
    show("sock_send unconnected", wamr_sock_send(u, &one, 1, 0, &n));
    show("sock_shutdown unconnected", wamr_sock_shutdown(u, WAMR_SHUT_WR));
    close(u);
    c = open_sock(WAMR_AF_INET4, WAMR_SOCK_STREAM);
    show("sock_connect", wamr_sock_connect(c, &local));
    show("sock_connect again", wamr_sock_connect(c, &local));
    show("sock_accept", wamr_sock_accept(l, 0, &a));
    show("sock_addr_remote", wamr_sock_addr_remote(c, &remote));
    printf("  remote %s, the listener's port: %d\n", ip_of(&remote), port_of_addr(&remote) == port_of_addr(&local));
    show("sock_addr_remote accepted", wamr_sock_addr_remote(a, &remote));
    printf("  remote %s\n", ip_of(&remote));

    wamr_iovec out[2] = {{(uint8_t *)"hello ", 6}, {(uint8_t *)"world", 5}};
    show("sock_send two iovecs", wamr_sock_send(c, out, 2, 0, &n));
    printf("  sent %u\n", (unsigned)n);
    char b1[4], b2[100];
    memset(b2, 0, sizeof b2);
    wamr_iovec in[2] = {{(uint8_t *)b1, sizeof b1}, {(uint8_t *)b2, sizeof b2 - 1}};
    uint16_t roflags = 9;
    /* MSG_WAITALL-free peek may see part of it: peek at one byte only. */
    wamr_iovec peek = {(uint8_t *)b1, 1};
    show("sock_recv peek", wamr_sock_recv(a, &peek, 1, WAMR_RIFLAG_PEEK, &n, &roflags));
    printf("  peeked %u '%c' roflags %u\n", (unsigned)n, b1[0], (unsigned)roflags);
    uint32_t got = 0;
    while (got < 11) {
        show("sock_recv", wamr_sock_recv(a, in, 2, 0, &n, &roflags));
        got += n;
        in[0].len = 0; /* the rest goes to b2 */
        in[1].buf = (uint8_t *)b2 + (got > 4 ? got - 4 : 0);
        if (n == 0)
            break;
    }
    printf("  received %u: '%.4s%s'\n", (unsigned)got, b1, b2);
    show("sock_shutdown how 0", wamr_sock_shutdown(c, 0));
    show("sock_shutdown SHUT_WR", wamr_sock_shutdown(c, WAMR_SHUT_WR));
    wamr_iovec rest = {(uint8_t *)b2, sizeof b2};
    show("sock_recv after the peer's SHUT_WR", wamr_sock_recv(a, &rest, 1, 0, &n, &roflags));
    printf("  received %u\n", (unsigned)n);
    show("sock_listen on a connected socket", wamr_sock_listen(a, 5));
    show("sock_close", wamr_sock_close(c));
    show("sock_close again", wamr_sock_close(c));
    show("sock_close not a socket", wamr_sock_close(NOT_SOCKET));
    close(a);

    /* A port nobody listens on any more. */
    show("sock_close listener", wamr_sock_close(l));
    uint32_t r = open_sock(WAMR_AF_INET4, WAMR_SOCK_STREAM);
    show("sock_connect to a closed port", wamr_sock_connect(r, &local));
    close(r);
}

static void datagrams(void) {
    printf("-- datagrams\n");
    uint32_t u1 = open_sock(WAMR_AF_INET4, WAMR_SOCK_DGRAM), u2 = open_sock(WAMR_AF_INET4, WAMR_SOCK_DGRAM);
    wamr_addr at = lo4(0), a1, a2, from;
    show("sock_listen on a datagram socket", wamr_sock_listen(u1, 5));
    show("sock_bind", wamr_sock_bind(u1, &at));
    show("sock_addr_local", wamr_sock_addr_local(u1, &a1));
    uint32_t n = 0;
    wamr_iovec msg = {(uint8_t *)"datagram", 8};
    show("sock_send_to", wamr_sock_send_to(u2, &msg, 1, 0, &a1, &n));
    printf("  sent %u\n", (unsigned)n);
    show("sock_addr_local sender", wamr_sock_addr_local(u2, &a2));
    char buf[100];
    memset(buf, 0, sizeof buf);
    wamr_iovec in = {(uint8_t *)buf, sizeof buf - 1};
    memset(&from, 0, sizeof from);
    show("sock_recv_from", wamr_sock_recv_from(u1, &in, 1, 0, &from, &n));
    printf("  %u bytes '%s' from %s, the sender's port: %d\n", (unsigned)n, buf, ip_of(&from),
           port_of_addr(&from) == port_of_addr(&a2));
    show("sock_send_to again", wamr_sock_send_to(u2, &msg, 1, 0, &a1, &n));
    wamr_iovec small = {(uint8_t *)buf, 4};
    uint16_t roflags = 0;
    show("sock_recv into 4 bytes", wamr_sock_recv(u1, &small, 1, 0, &n, &roflags));
    printf("  %u bytes, truncated flag %u\n", (unsigned)n, (unsigned)roflags);
    close(u1);
    close(u2);
}

static void resolve(void) {
    printf("-- names\n");
    wamr_addr_info info[4];
    uint32_t total = 0;
    wamr_hints h = {WAMR_SOCK_STREAM, WAMR_AF_INET4, 1};
    show("sock_addr_resolve localhost 8080", wamr_sock_addr_resolve("localhost", "8080", &h, info, 4, &total));
    printf("  %u: %s port %u type %d\n", (unsigned)total, ip_of(&info[0].addr), port_of_addr(&info[0].addr),
           (int)info[0].type);
    total = 99;
    show("sock_addr_resolve 127.0.0.1 max 0", wamr_sock_addr_resolve("127.0.0.1", "80", &h, info, 0, &total));
    printf("  total %u\n", (unsigned)total);
    wamr_hints h6 = {WAMR_SOCK_DGRAM, WAMR_AF_INET6, 1};
    show("sock_addr_resolve ::1", wamr_sock_addr_resolve("::1", "53", &h6, info, 4, &total));
    printf("  %u: %s port %u type %d\n", (unsigned)total, ip_of(&info[0].addr), port_of_addr(&info[0].addr),
           (int)info[0].type);
}

#define U8(call, label)                                                                                               \
    do {                                                                                                              \
        uint8_t v = 77;                                                                                               \
        int e = (call);                                                                                               \
        printf("%s: %s %d\n", label, errname(e), e ? -1 : v);                                                         \
    } while (0)
#define U32(call, label)                                                                                              \
    do {                                                                                                              \
        uint32_t v = 77;                                                                                              \
        int e = (call);                                                                                               \
        printf("%s: %s %ld\n", label, errname(e), e ? -1L : (long)v);                                                 \
    } while (0)
#define U64(call, label)                                                                                              \
    do {                                                                                                              \
        uint64_t v = 77;                                                                                              \
        int e = (call);                                                                                               \
        printf("%s: %s %lld\n", label, errname(e), e ? -1LL : (long long)v);                                          \
    } while (0)

/* Read the default, set, read back: one option on one socket. */
#define FLAG(opt, fd, value)                                                                                          \
    do {                                                                                                              \
        U8(wamr_sock_get_##opt(fd, &v), "get " #opt " default");                                                      \
        show("set " #opt " " #value, wamr_sock_set_##opt(fd, value));                                                 \
        U8(wamr_sock_get_##opt(fd, &v), "get " #opt);                                                                 \
    } while (0)
#define SIZE(opt, fd, value)                                                                                          \
    do {                                                                                                              \
        U32(wamr_sock_get_##opt(fd, &v), "get " #opt " default nonzero");                                             \
        show("set " #opt " " #value, wamr_sock_set_##opt(fd, value));                                                 \
        U32(wamr_sock_get_##opt(fd, &v), "get " #opt);                                                                \
    } while (0)

static void options(void) {
    printf("-- options on a TCP socket\n");
    uint32_t s = open_sock(WAMR_AF_INET4, WAMR_SOCK_STREAM);
    FLAG(reuse_addr, s, 1);
    FLAG(reuse_port, s, 1);
    FLAG(keep_alive, s, 1);
    FLAG(tcp_no_delay, s, 1);
    FLAG(broadcast, s, 1);
    FLAG(ip_ttl, s, 33);
    FLAG(tcp_fastopen_connect, s, 1);
    FLAG(tcp_quick_ack, s, 0);
    U32(wamr_sock_get_tcp_keep_idle(s, &v), "get tcp_keep_idle default");
    show("set tcp_keep_idle 60", wamr_sock_set_tcp_keep_idle(s, 60));
    U32(wamr_sock_get_tcp_keep_idle(s, &v), "get tcp_keep_idle");
    U32(wamr_sock_get_tcp_keep_intvl(s, &v), "get tcp_keep_intvl default");
    show("set tcp_keep_intvl 20", wamr_sock_set_tcp_keep_intvl(s, 20));
    U32(wamr_sock_get_tcp_keep_intvl(s, &v), "get tcp_keep_intvl");
    /* Linux doubles a buffer size it is given. */
    show("set recv_buf_size 8192", wamr_sock_set_recv_buf_size(s, 8192));
    U32(wamr_sock_get_recv_buf_size(s, &v), "get recv_buf_size");
    show("set send_buf_size 8192", wamr_sock_set_send_buf_size(s, 8192));
    U32(wamr_sock_get_send_buf_size(s, &v), "get send_buf_size");
    uint8_t on = 9;
    int32_t secs = 9;
    show("get linger default", wamr_sock_get_linger(s, &on, &secs));
    printf("  linger {%d, %d}\n", on, (int)secs);
    show("set linger {1, 7}", wamr_sock_set_linger(s, 1, 7));
    show("get linger", wamr_sock_get_linger(s, &on, &secs));
    printf("  linger {%d, %d}\n", on, (int)secs);
    U64(wamr_sock_get_recv_timeout(s, &v), "get recv_timeout default");
    show("set recv_timeout 1.5 s", wamr_sock_set_recv_timeout(s, 1500000));
    U64(wamr_sock_get_recv_timeout(s, &v), "get recv_timeout");
    U64(wamr_sock_get_send_timeout(s, &v), "get send_timeout default");
    show("set send_timeout 2 s", wamr_sock_set_send_timeout(s, 2000000));
    U64(wamr_sock_get_send_timeout(s, &v), "get send_timeout");
    U8(wamr_sock_get_ip_multicast_ttl(s, &v), "get ip_multicast_ttl on TCP");
    show("set ip_multicast_ttl on TCP", wamr_sock_set_ip_multicast_ttl(s, 4));
    U8(wamr_sock_get_ip_multicast_loop(s, 0, &v), "get ip_multicast_loop on TCP");
    wamr_ip g = group4(239, 255, 0, 1);
    show("set ip_add_membership on TCP", wamr_sock_set_ip_add_membership(s, &g, 0));
    show("set ip_drop_membership on TCP", wamr_sock_set_ip_drop_membership(s, &g, 0));
    U8(wamr_sock_get_ipv6_only(s, &v), "get ipv6_only on IPv4");
    show("set ipv6_only on IPv4", wamr_sock_set_ipv6_only(s, 1));

    printf("-- out-of-range values\n");
    show("set ip_ttl 0", wamr_sock_set_ip_ttl(s, 0));
    show("set ip_ttl 256", wamr_sock_set_ip_ttl(s, 256));
    show("set tcp_keep_idle 0", wamr_sock_set_tcp_keep_idle(s, 0));
    show("set tcp_keep_idle 32768", wamr_sock_set_tcp_keep_idle(s, 32768));
    show("set tcp_keep_intvl -1", wamr_sock_set_tcp_keep_intvl(s, -1));
    show("set tcp_fastopen_connect 2", wamr_sock_set_tcp_fastopen_connect(s, 2));
    show("set recv_timeout -1", wamr_sock_set_recv_timeout(s, -1));
    show("set send_timeout -1", wamr_sock_set_send_timeout(s, -1));
    close(s);

    printf("-- options on a UDP socket\n");
    uint32_t d = open_sock(WAMR_AF_INET4, WAMR_SOCK_DGRAM);
    FLAG(broadcast, d, 1);
    FLAG(ip_multicast_ttl, d, 9);
    U8(wamr_sock_get_ip_multicast_loop(d, 0, &v), "get ip_multicast_loop default");
    show("set ip_multicast_loop 0", wamr_sock_set_ip_multicast_loop(d, 0, 0));
    U8(wamr_sock_get_ip_multicast_loop(d, 0, &v), "get ip_multicast_loop");
    show("set ip_multicast_loop 5", wamr_sock_set_ip_multicast_loop(d, 0, 5));
    U8(wamr_sock_get_ip_multicast_loop(d, 0, &v), "get ip_multicast_loop");
    show("set ip_multicast_loop ipv6 on IPv4", wamr_sock_set_ip_multicast_loop(d, 1, 0));
    U8(wamr_sock_get_ip_multicast_loop(d, 1, &v), "get ip_multicast_loop ipv6 on IPv4");
    show("set ip_multicast_loop family 2", wamr_sock_set_ip_multicast_loop(d, 2, 0));
    U8(wamr_sock_get_ip_multicast_loop(d, 2, &v), "get ip_multicast_loop family 2");
    show("set ip_multicast_ttl 256", wamr_sock_set_ip_multicast_ttl(d, 256));
    wamr_ip unicast = group4(127, 0, 0, 1), g2 = group4(239, 255, 0, 1), odd = g2;
    odd.kind = 7;
    show("set ip_add_membership 127.0.0.1", wamr_sock_set_ip_add_membership(d, &unicast, 0));
    show("set ip_drop_membership not joined", wamr_sock_set_ip_drop_membership(d, &g2, 0));
    show("set ip_add_membership kind 7", wamr_sock_set_ip_add_membership(d, &odd, 0));
    U32(wamr_sock_get_tcp_keep_idle(d, &v), "get tcp_keep_idle on UDP");
    show("set tcp_keep_idle on UDP", wamr_sock_set_tcp_keep_idle(d, 60));
    U32(wamr_sock_get_tcp_keep_intvl(d, &v), "get tcp_keep_intvl on UDP");
    show("set tcp_keep_intvl on UDP", wamr_sock_set_tcp_keep_intvl(d, 60));
    U8(wamr_sock_get_tcp_fastopen_connect(d, &v), "get tcp_fastopen_connect on UDP");
    show("set tcp_fastopen_connect on UDP", wamr_sock_set_tcp_fastopen_connect(d, 1));
    U8(wamr_sock_get_tcp_quick_ack(d, &v), "get tcp_quick_ack on UDP");
    show("set tcp_quick_ack on UDP", wamr_sock_set_tcp_quick_ack(d, 1));
    U8(wamr_sock_get_tcp_no_delay(d, &v), "get tcp_no_delay on UDP");
    show("set tcp_no_delay on UDP", wamr_sock_set_tcp_no_delay(d, 1));
    close(d);

    printf("-- options on an IPv6 UDP socket\n");
    uint32_t d6 = open_sock(WAMR_AF_INET6, WAMR_SOCK_DGRAM);
    FLAG(ipv6_only, d6, 1);
    U8(wamr_sock_get_ip_multicast_loop(d6, 1, &v), "get ipv6 multicast_loop default");
    show("set ipv6 multicast_loop 0", wamr_sock_set_ip_multicast_loop(d6, 1, 0));
    U8(wamr_sock_get_ip_multicast_loop(d6, 1, &v), "get ipv6 multicast_loop");
    show("set ipv6 multicast_loop 2", wamr_sock_set_ip_multicast_loop(d6, 1, 2));
    U8(wamr_sock_get_ip_multicast_loop(d6, 0, &v), "get ip_multicast_loop (IPv4) unchanged");
    close(d6);
}

/* Every import that takes a descriptor, on a descriptor that is not open and
 * on one that is not a socket. */
static void bad_descriptors(void) {
    printf("-- descriptors\n");
    const int fds[2] = {BAD_FD, NOT_SOCKET};
    for (int i = 0; i < 2; i++) {
        int fd = fds[i];
        printf("fd %s:\n", fd == BAD_FD ? "not open" : "not a socket");
        uint8_t u8;
        uint32_t u32;
        uint64_t u64;
        int32_t i32;
        uint16_t u16;
        wamr_addr a = lo4(9);
        wamr_ip g = group4(239, 255, 0, 1);
        char buf[8];
        wamr_iovec iov = {(uint8_t *)buf, sizeof buf};
        int e[52], k = 0;
        e[k++] = wamr_sock_accept(fd, 0, &u32);
        e[k++] = wamr_sock_addr_local(fd, &a);
        e[k++] = wamr_sock_addr_remote(fd, &a);
        a = lo4(9);
        e[k++] = wamr_sock_bind(fd, &a);
        e[k++] = wamr_sock_close(fd);
        e[k++] = wamr_sock_connect(fd, &a);
        e[k++] = wamr_sock_listen(fd, 1);
        e[k++] = wamr_sock_recv(fd, &iov, 1, 0, &u32, &u16);
        e[k++] = wamr_sock_recv_from(fd, &iov, 1, 0, &a, &u32);
        e[k++] = wamr_sock_send(fd, &iov, 1, 0, &u32);
        a = lo4(9);
        e[k++] = wamr_sock_send_to(fd, &iov, 1, 0, &a, &u32);
        e[k++] = wamr_sock_shutdown(fd, WAMR_SHUT_WR);
        e[k++] = wamr_sock_get_broadcast(fd, &u8);
        e[k++] = wamr_sock_set_broadcast(fd, 1);
        e[k++] = wamr_sock_get_ip_multicast_loop(fd, 0, &u8);
        e[k++] = wamr_sock_set_ip_multicast_loop(fd, 0, 1);
        e[k++] = wamr_sock_get_ip_multicast_ttl(fd, &u8);
        e[k++] = wamr_sock_set_ip_multicast_ttl(fd, 1);
        e[k++] = wamr_sock_set_ip_add_membership(fd, &g, 0);
        e[k++] = wamr_sock_set_ip_drop_membership(fd, &g, 0);
        e[k++] = wamr_sock_get_ip_ttl(fd, &u8);
        e[k++] = wamr_sock_set_ip_ttl(fd, 64);
        e[k++] = wamr_sock_get_ipv6_only(fd, &u8);
        e[k++] = wamr_sock_set_ipv6_only(fd, 1);
        e[k++] = wamr_sock_get_keep_alive(fd, &u8);
        e[k++] = wamr_sock_set_keep_alive(fd, 1);
        e[k++] = wamr_sock_get_linger(fd, &u8, &i32);
        e[k++] = wamr_sock_set_linger(fd, 1, 1);
        e[k++] = wamr_sock_get_recv_buf_size(fd, &u32);
        e[k++] = wamr_sock_set_recv_buf_size(fd, 4096);
        e[k++] = wamr_sock_get_recv_timeout(fd, &u64);
        e[k++] = wamr_sock_set_recv_timeout(fd, 1000);
        e[k++] = wamr_sock_get_reuse_addr(fd, &u8);
        e[k++] = wamr_sock_set_reuse_addr(fd, 1);
        e[k++] = wamr_sock_get_reuse_port(fd, &u8);
        e[k++] = wamr_sock_set_reuse_port(fd, 1);
        e[k++] = wamr_sock_get_send_buf_size(fd, &u32);
        e[k++] = wamr_sock_set_send_buf_size(fd, 4096);
        e[k++] = wamr_sock_get_send_timeout(fd, &u64);
        e[k++] = wamr_sock_set_send_timeout(fd, 1000);
        e[k++] = wamr_sock_get_tcp_fastopen_connect(fd, &u8);
        e[k++] = wamr_sock_set_tcp_fastopen_connect(fd, 1);
        e[k++] = wamr_sock_get_tcp_keep_idle(fd, &u32);
        e[k++] = wamr_sock_set_tcp_keep_idle(fd, 60);
        e[k++] = wamr_sock_get_tcp_keep_intvl(fd, &u32);
        e[k++] = wamr_sock_set_tcp_keep_intvl(fd, 60);
        e[k++] = wamr_sock_get_tcp_no_delay(fd, &u8);
        e[k++] = wamr_sock_set_tcp_no_delay(fd, 1);
        e[k++] = wamr_sock_get_tcp_quick_ack(fd, &u8);
        e[k++] = wamr_sock_set_tcp_quick_ack(fd, 1);
        /* 50 of the 52 take a descriptor; sock_open and sock_addr_resolve do not. */
        for (int j = 0; j < k; j++)
            printf("  %d:%s", j, errname(e[j]));
        printf("\n  (%d imports)\n", k);
    }
    uint32_t fd;
    show("sock_open family 9", wamr_sock_open(-1, 9, WAMR_SOCK_STREAM, &fd));
    show("sock_open type 9", wamr_sock_open(-1, WAMR_AF_INET4, 9, &fd));
    uint32_t s = open_sock(WAMR_AF_INET4, WAMR_SOCK_STREAM);
    wamr_addr odd = lo4(9);
    odd.kind = 7;
    show("sock_bind kind 7", wamr_sock_bind(s, &odd));
    show("sock_connect kind 7", wamr_sock_connect(s, &odd));
    close(s);
}

#ifdef __wasm__
/* Beyond the end of linear memory: the host must answer EFAULT. */
#define FAR ((void *)0xfffffff0u)

static void faults(void) {
    uint32_t s = open_sock(WAMR_AF_INET4, WAMR_SOCK_STREAM), d = open_sock(WAMR_AF_INET4, WAMR_SOCK_DGRAM);
    wamr_addr at = lo4(0);
    wamr_hints h = {WAMR_SOCK_STREAM, WAMR_AF_INET4, 1};
    wamr_addr_info info[1];
    uint32_t n;
    uint16_t ro;
    char buf[8];
    wamr_iovec iov = {(uint8_t *)buf, sizeof buf}, far_iov = {(uint8_t *)FAR, 8};
    show("sock_open fd_out", wamr_sock_open(-1, WAMR_AF_INET4, WAMR_SOCK_STREAM, FAR));
    show("sock_bind addr", wamr_sock_bind(s, FAR));
    show("sock_connect addr", wamr_sock_connect(s, FAR));
    show("sock_addr_local out", wamr_sock_addr_local(s, FAR));
    show("sock_addr_remote out", wamr_sock_addr_remote(s, FAR));
    show("sock_addr_resolve host", wamr_sock_addr_resolve(FAR, "80", &h, info, 1, &n));
    show("sock_addr_resolve service", wamr_sock_addr_resolve("127.0.0.1", FAR, &h, info, 1, &n));
    show("sock_addr_resolve hints", wamr_sock_addr_resolve("127.0.0.1", "80", FAR, info, 1, &n));
    show("sock_addr_resolve info", wamr_sock_addr_resolve("127.0.0.1", "80", &h, FAR, 1, &n));
    show("sock_addr_resolve total", wamr_sock_addr_resolve("127.0.0.1", "80", &h, info, 1, FAR));
    show("sock_addr_resolve max_count -1", wamr_sock_addr_resolve("127.0.0.1", "80", &h, info, -1, &n));
    show("sock_bind", wamr_sock_bind(d, &at));
    show("sock_send iovec array", wamr_sock_send(d, FAR, 1, 0, &n));
    show("sock_send buffer", wamr_sock_send(d, &far_iov, 1, 0, &n));
    show("sock_send_to dest", wamr_sock_send_to(d, &iov, 1, 0, FAR, &n));
    show("sock_send_to sent_out", wamr_sock_send_to(d, &iov, 1, 0, &at, FAR));
    show("sock_recv iovec array", wamr_sock_recv(d, FAR, 1, 0, &n, &ro));
    show("sock_recv roflags", wamr_sock_recv(d, &iov, 1, 0, &n, FAR));
    show("sock_recv_from src", wamr_sock_recv_from(d, &iov, 1, 0, FAR, &n));
    show("sock_recv_from recvd", wamr_sock_recv_from(d, &iov, 1, 0, NULL, FAR));
    show("sock_accept fd_out", wamr_sock_accept(s, 0, FAR));
    show("sock_get_reuse_addr out", wamr_sock_get_reuse_addr(s, FAR));
    show("sock_get_recv_buf_size out", wamr_sock_get_recv_buf_size(s, FAR));
    show("sock_get_recv_timeout out", wamr_sock_get_recv_timeout(s, FAR));
    show("sock_get_linger enabled", wamr_sock_get_linger(s, FAR, (int32_t *)buf));
    show("sock_get_linger seconds", wamr_sock_get_linger(s, (uint8_t *)buf, FAR));
    show("sock_get_tcp_keep_idle out", wamr_sock_get_tcp_keep_idle(s, FAR));
    show("sock_get_ip_multicast_loop out", wamr_sock_get_ip_multicast_loop(d, 0, FAR));
    show("sock_get_ip_multicast_ttl out", wamr_sock_get_ip_multicast_ttl(d, FAR));
    show("sock_set_ip_add_membership group", wamr_sock_set_ip_add_membership(d, FAR, 0));
    wamr_ip g = group4(239, 255, 0, 1);
    show("sock_set_ip_add_membership 239.255.0.1 (policy)", wamr_sock_set_ip_add_membership(d, &g, 0));
    show("sock_close", wamr_sock_close(d));
    close(s);
}
#endif

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The raw sock_send has no MSG_NOSIGNAL: a send to a gone peer is EPIPE
     * here, not the end of the program (natively: MSG_NOSIGNAL, wamr_native.h). */
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && strcmp(argv[1], "faults") == 0) {
#ifdef __wasm__
        faults();
#else
        printf("faults: wasm only\n");
#endif
        return 0;
    }
#ifndef __wasm__
    int p[2];
    if (pipe(p) == 0)
        NOT_SOCKET = p[0];
#endif
    connection();
    datagrams();
    resolve();
    options();
    bad_descriptors();
    return 0;
}
