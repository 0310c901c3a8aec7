/*
 * wamr_native.h: the functions of wamr_imports.h for a native build, over
 * POSIX sockets, as a runtime's host implements the imports: translate the
 * ABI's layouts and codes, make the system call, return its errno. With it,
 * wamr_abi.c prints natively what the kernel answers, and the wasm build
 * must print the same on wasock.
 */
#ifndef WAMR_NATIVE_H
#define WAMR_NATIVE_H

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wamr_imports.h"

#define WAMR_TRY(call) ((call) < 0 ? errno : 0)

static int wamr_to_sockaddr(const wamr_addr *a, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof *ss);
    if (a->kind == WAMR_KIND_IPV4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, a->u.v4.octets, 4);
        sin->sin_port = htons(a->u.v4.port);
        *len = sizeof *sin;
        return 0;
    }
    if (a->kind == WAMR_KIND_IPV6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        for (int i = 0; i < 8; i++) {
            sin6->sin6_addr.s6_addr[2 * i] = a->u.v6.groups[i] >> 8;
            sin6->sin6_addr.s6_addr[2 * i + 1] = a->u.v6.groups[i] & 0xff;
        }
        sin6->sin6_port = htons(a->u.v6.port);
        *len = sizeof *sin6;
        return 0;
    }
    return EAFNOSUPPORT;
}

static void wamr_from_sockaddr(const struct sockaddr *sa, wamr_addr *a) {
    memset(a, 0, sizeof *a);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        a->kind = WAMR_KIND_IPV4;
        memcpy(a->u.v4.octets, &sin->sin_addr, 4);
        a->u.v4.port = ntohs(sin->sin_port);
    } else {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        a->kind = WAMR_KIND_IPV6;
        for (int i = 0; i < 8; i++)
            a->u.v6.groups[i] = (uint16_t)(sin6->sin6_addr.s6_addr[2 * i] << 8 | sin6->sin6_addr.s6_addr[2 * i + 1]);
        a->u.v6.port = ntohs(sin6->sin6_port);
    }
}

int32_t wamr_sock_open(int32_t poolfd, int32_t af, int32_t type, uint32_t *fd_out) {
    (void)poolfd;
    if (af != WAMR_AF_INET4 && af != WAMR_AF_INET6)
        return EAFNOSUPPORT;
    if (type != WAMR_SOCK_STREAM && type != WAMR_SOCK_DGRAM)
        return EPROTOTYPE;
    int fd = socket(af == WAMR_AF_INET6 ? AF_INET6 : AF_INET, type == WAMR_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (fd < 0)
        return errno;
    *fd_out = (uint32_t)fd;
    return 0;
}

int32_t wamr_sock_close(int32_t fd) {
    struct stat st;
    if (fstat(fd, &st) < 0)
        return errno;
    if (!S_ISSOCK(st.st_mode))
        return ENOTSOCK;
    return WAMR_TRY(close(fd));
}

int32_t wamr_sock_bind(int32_t fd, const wamr_addr *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int err = wamr_to_sockaddr(addr, &ss, &len);
    return err ? err : WAMR_TRY(bind(fd, (struct sockaddr *)&ss, len));
}

int32_t wamr_sock_connect(int32_t fd, const wamr_addr *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int err = wamr_to_sockaddr(addr, &ss, &len);
    return err ? err : WAMR_TRY(connect(fd, (struct sockaddr *)&ss, len));
}

int32_t wamr_sock_listen(int32_t fd, int32_t backlog) {
    return WAMR_TRY(listen(fd, backlog));
}

int32_t wamr_sock_accept(int32_t fd, int32_t fdflags, uint32_t *fd_out) {
    int c = accept4(fd, NULL, NULL, (fdflags & WAMR_FDFLAG_NONBLOCK) ? SOCK_NONBLOCK : 0);
    if (c < 0)
        return errno;
    *fd_out = (uint32_t)c;
    return 0;
}

static int32_t wamr_name(int fd, wamr_addr *out, int peer) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) : getsockname(fd, (struct sockaddr *)&ss, &len);
    if (r < 0)
        return errno;
    wamr_from_sockaddr((struct sockaddr *)&ss, out);
    return 0;
}

int32_t wamr_sock_addr_local(int32_t fd, wamr_addr *out) { return wamr_name(fd, out, 0); }
int32_t wamr_sock_addr_remote(int32_t fd, wamr_addr *out) { return wamr_name(fd, out, 1); }

int32_t wamr_sock_addr_resolve(const char *host, const char *service, const wamr_hints *hints, wamr_addr_info *info,
                               int32_t max_count, uint32_t *total) {
    struct addrinfo h, *res;
    memset(&h, 0, sizeof h);
    if (hints->enabled) {
        h.ai_family = hints->family == WAMR_AF_INET4 ? AF_INET : hints->family == WAMR_AF_INET6 ? AF_INET6 : AF_UNSPEC;
        h.ai_socktype = hints->type == WAMR_SOCK_DGRAM ? SOCK_DGRAM : hints->type == WAMR_SOCK_STREAM ? SOCK_STREAM : 0;
    }
    int r = getaddrinfo(host, service, &h, &res);
    if (r == EAI_NONAME)
        return ENOENT;
    if (r != 0)
        return EIO;
    uint32_t n = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next, n++) {
        if ((int32_t)n < max_count) {
            wamr_from_sockaddr(ai->ai_addr, &info[n].addr);
            info[n].type = ai->ai_socktype == SOCK_DGRAM ? WAMR_SOCK_DGRAM : WAMR_SOCK_STREAM;
        }
    }
    freeaddrinfo(res);
    *total = n;
    return 0;
}

static int32_t wamr_msg(int fd, const wamr_iovec *iovs, int32_t iovcnt, int flags, struct sockaddr_storage *name,
                        socklen_t namelen, int sending, uint32_t *n, int *msg_flags) {
    struct iovec v[16];
    if (iovcnt < 0 || iovcnt > 16)
        return EINVAL;
    for (int i = 0; i < iovcnt; i++) {
        v[i].iov_base = iovs[i].buf;
        v[i].iov_len = iovs[i].len;
    }
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = v;
    m.msg_iovlen = (size_t)iovcnt;
    m.msg_name = name;
    m.msg_namelen = name ? namelen : 0;
    ssize_t r = sending ? sendmsg(fd, &m, flags | MSG_NOSIGNAL) : recvmsg(fd, &m, flags);
    if (r < 0)
        return errno;
    *n = (uint32_t)r;
    if (msg_flags)
        *msg_flags = m.msg_flags;
    return 0;
}

static int wamr_riflags(int32_t riflags) {
    return (riflags & WAMR_RIFLAG_PEEK ? MSG_PEEK : 0) | (riflags & 2 ? MSG_WAITALL : 0);
}

int32_t wamr_sock_recv(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t riflags, uint32_t *recvd,
                       uint16_t *roflags) {
    int mf = 0;
    int err = wamr_msg(fd, iovs, iovcnt, wamr_riflags(riflags), NULL, 0, 0, recvd, &mf);
    if (err == 0)
        *roflags = (mf & MSG_TRUNC) ? 1 : 0;
    return err;
}

int32_t wamr_sock_recv_from(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t riflags, wamr_addr *src,
                            uint32_t *recvd) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    int err = wamr_msg(fd, iovs, iovcnt, wamr_riflags(riflags), &ss, sizeof ss, 0, recvd, NULL);
    if (err == 0 && ss.ss_family != 0)
        wamr_from_sockaddr((struct sockaddr *)&ss, src);
    return err;
}

int32_t wamr_sock_send(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t siflags, uint32_t *sent) {
    (void)siflags;
    return wamr_msg(fd, iovs, iovcnt, 0, NULL, 0, 1, sent, NULL);
}

int32_t wamr_sock_send_to(int32_t fd, const wamr_iovec *iovs, int32_t iovcnt, int32_t siflags, const wamr_addr *dest,
                          uint32_t *sent) {
    (void)siflags;
    struct sockaddr_storage ss;
    socklen_t len;
    int err = wamr_to_sockaddr(dest, &ss, &len);
    return err ? err : wamr_msg(fd, iovs, iovcnt, 0, &ss, len, 1, sent, NULL);
}

int32_t wamr_sock_shutdown(int32_t fd, int32_t how) {
    int h = how == WAMR_SHUT_RD ? SHUT_RD : how == WAMR_SHUT_WR ? SHUT_WR : how == 3 ? SHUT_RDWR : -1;
    if (h < 0) {
        struct stat st;
        if (fstat(fd, &st) < 0)
            return errno;
        return S_ISSOCK(st.st_mode) ? EINVAL : ENOTSOCK;
    }
    return WAMR_TRY(shutdown(fd, h));
}

/* Options: an int each way, narrowed to the import's u8 / u32. */
static int32_t wamr_set(int fd, int level, int name, int v) {
    return WAMR_TRY(setsockopt(fd, level, name, &v, sizeof v));
}
static int32_t wamr_get(int fd, int level, int name, int *v) {
    socklen_t len = sizeof *v;
    return WAMR_TRY(getsockopt(fd, level, name, v, &len));
}
#define WAMR_U8_OPTION(opt, level, name)                                                                             \
    int32_t wamr_sock_set_##opt(int32_t fd, int32_t v) { return wamr_set(fd, level, name, v); }                       \
    int32_t wamr_sock_get_##opt(int32_t fd, uint8_t *out) {                                                           \
        int v = 0;                                                                                                    \
        int32_t err = wamr_get(fd, level, name, &v);                                                                  \
        if (err == 0)                                                                                                 \
            *out = (uint8_t)v;                                                                                        \
        return err;                                                                                                   \
    }
#define WAMR_U32_OPTION(opt, level, name)                                                                            \
    int32_t wamr_sock_set_##opt(int32_t fd, int32_t v) { return wamr_set(fd, level, name, v); }                       \
    int32_t wamr_sock_get_##opt(int32_t fd, uint32_t *out) {                                                          \
        int v = 0;                                                                                                    \
        int32_t err = wamr_get(fd, level, name, &v);                                                                  \
        if (err == 0)                                                                                                 \
            *out = (uint32_t)v;                                                                                       \
        return err;                                                                                                   \
    }

WAMR_U8_OPTION(broadcast, SOL_SOCKET, SO_BROADCAST)
WAMR_U8_OPTION(reuse_addr, SOL_SOCKET, SO_REUSEADDR)
WAMR_U8_OPTION(reuse_port, SOL_SOCKET, SO_REUSEPORT)
WAMR_U8_OPTION(keep_alive, SOL_SOCKET, SO_KEEPALIVE)
WAMR_U8_OPTION(ipv6_only, IPPROTO_IPV6, IPV6_V6ONLY)
WAMR_U8_OPTION(ip_ttl, IPPROTO_IP, IP_TTL)
WAMR_U8_OPTION(ip_multicast_ttl, IPPROTO_IP, IP_MULTICAST_TTL)
WAMR_U8_OPTION(tcp_no_delay, IPPROTO_TCP, TCP_NODELAY)
WAMR_U8_OPTION(tcp_fastopen_connect, IPPROTO_TCP, TCP_FASTOPEN_CONNECT)
WAMR_U8_OPTION(tcp_quick_ack, IPPROTO_TCP, TCP_QUICKACK)
WAMR_U32_OPTION(recv_buf_size, SOL_SOCKET, SO_RCVBUF)
WAMR_U32_OPTION(send_buf_size, SOL_SOCKET, SO_SNDBUF)
WAMR_U32_OPTION(tcp_keep_idle, IPPROTO_TCP, TCP_KEEPIDLE)
WAMR_U32_OPTION(tcp_keep_intvl, IPPROTO_TCP, TCP_KEEPINTVL)

static int wamr_loop_option(int32_t ipv6, int *level, int *name) {
    if (ipv6 != 0 && ipv6 != 1)
        return EINVAL;
    *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
    *name = ipv6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP;
    return 0;
}

int32_t wamr_sock_set_ip_multicast_loop(int32_t fd, int32_t ipv6, int32_t on) {
    int level, name, err = wamr_loop_option(ipv6, &level, &name);
    return err ? err : wamr_set(fd, level, name, on);
}

int32_t wamr_sock_get_ip_multicast_loop(int32_t fd, int32_t ipv6, uint8_t *out) {
    int level, name, v = 0, err = wamr_loop_option(ipv6, &level, &name);
    if (err == 0 && (err = wamr_get(fd, level, name, &v)) == 0)
        *out = (uint8_t)v;
    return err;
}

static int32_t wamr_membership(int fd, const wamr_ip *group, uint32_t iface, int join) {
    if (group->kind == WAMR_KIND_IPV4) {
        struct ip_mreq m;
        memcpy(&m.imr_multiaddr, group->u.octets, 4);
        m.imr_interface.s_addr = iface;
        return WAMR_TRY(setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof m));
    }
    if (group->kind == WAMR_KIND_IPV6) {
        struct ipv6_mreq m;
        memset(&m, 0, sizeof m);
        for (int i = 0; i < 8; i++) {
            m.ipv6mr_multiaddr.s6_addr[2 * i] = group->u.groups[i] >> 8;
            m.ipv6mr_multiaddr.s6_addr[2 * i + 1] = group->u.groups[i] & 0xff;
        }
        return WAMR_TRY(setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m, sizeof m));
    }
    return EINVAL;
}

int32_t wamr_sock_set_ip_add_membership(int32_t fd, const wamr_ip *group, uint32_t iface) {
    return wamr_membership(fd, group, iface, 1);
}
int32_t wamr_sock_set_ip_drop_membership(int32_t fd, const wamr_ip *group, uint32_t iface) {
    return wamr_membership(fd, group, iface, 0);
}

int32_t wamr_sock_set_linger(int32_t fd, int32_t on, int32_t seconds) {
    struct linger l = {on, seconds};
    return WAMR_TRY(setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l));
}

int32_t wamr_sock_get_linger(int32_t fd, uint8_t *on, int32_t *seconds) {
    struct linger l;
    socklen_t len = sizeof l;
    if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) < 0)
        return errno;
    *on = l.l_onoff != 0;
    *seconds = l.l_linger;
    return 0;
}

static int32_t wamr_set_timeout(int fd, int name, int64_t us) {
    if (us < 0)
        return EINVAL;
    struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
    return WAMR_TRY(setsockopt(fd, SOL_SOCKET, name, &tv, sizeof tv));
}

static int32_t wamr_get_timeout(int fd, int name, uint64_t *out) {
    struct timeval tv;
    socklen_t len = sizeof tv;
    if (getsockopt(fd, SOL_SOCKET, name, &tv, &len) < 0)
        return errno;
    *out = (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
    return 0;
}

int32_t wamr_sock_set_recv_timeout(int32_t fd, int64_t us) { return wamr_set_timeout(fd, SO_RCVTIMEO, us); }
int32_t wamr_sock_get_recv_timeout(int32_t fd, uint64_t *out) { return wamr_get_timeout(fd, SO_RCVTIMEO, out); }
int32_t wamr_sock_set_send_timeout(int32_t fd, int64_t us) { return wamr_set_timeout(fd, SO_SNDTIMEO, us); }
int32_t wamr_sock_get_send_timeout(int32_t fd, uint64_t *out) { return wamr_get_timeout(fd, SO_SNDTIMEO, out); }

#endif /* WAMR_NATIVE_H */
