/*
 * setsockopt() and getsockopt() over the ABI's per-option imports.
 *
 * Each supported (level, name) pair has one row below saying how its value is
 * shaped on the POSIX side (an int flag, an int size, a TTL, struct linger,
 * struct timeval) and which imports carry it. wasi-libc's libc.a has its own
 * getsockopt (getsockopt.o, SO_TYPE only); defining it here keeps that member
 * out. SO_TYPE and SO_ERROR are read-only and need no option import at all:
 * SO_TYPE is the fd's filetype, SO_ERROR the answer to a zero-byte sock_send
 * (the convention in docs/abi.md).
 *
 * Short buffers follow Linux: setsockopt refuses them with EINVAL, getsockopt
 * writes what fits and shortens *optlen.
 */
#include <string.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <wasi/api.h>

#include "internal.h"

typedef enum {
    OPT_FLAG,    /* int 0/1 <-> u8 */
    OPT_SIZE,    /* int <-> u32 */
    OPT_TTL,     /* int <-> u8 */
    OPT_LINGER,  /* struct linger <-> enabled u8 + seconds i32 */
    OPT_TIMEOUT, /* struct timeval <-> i64/u64 microseconds */
    OPT_TYPE,    /* read-only: fd filetype */
    OPT_ERROR,   /* read-only: pending socket error */
    OPT_SECONDS, /* int <-> u32, range checked by the host (TCP_KEEPIDLE/KEEPINTVL) */
    OPT_INT_U8,  /* int passed as is (the host checks it) <-> u8 */
    OPT_IP_BYTE, /* int or unsigned char <-> u8 (IP_MULTICAST_TTL/LOOP, as Linux takes either) */
    OPT_MEMBERSHIP, /* write-only: struct ip_mreq / ip_mreqn -> group + interface */
} opt_shape;

/* Which sockets an option applies to; Linux refuses the others. */
typedef enum {
    ANY_SOCKET,
    STREAM_ONLY, /* IPPROTO_TCP options */
    INET6_ONLY,  /* IPPROTO_IPV6 options */
} opt_scope;

typedef struct {
    int level;
    int name;
    opt_shape shape;
    opt_scope scope;
    /* The imports for this option, by shape; unused ones are NULL. */
    int32_t (*set_u32)(int32_t, uint32_t);
    int32_t (*get_u8)(int32_t, uint8_t *);
    int32_t (*get_u32)(int32_t, uint32_t *);
    int32_t (*set_i64)(int32_t, int64_t);
    int32_t (*get_u64)(int32_t, uint64_t *);
} opt_row;

static const opt_row options[] = {
    {SOL_SOCKET, SO_REUSEADDR, OPT_FLAG, ANY_SOCKET, __wasock_sock_set_reuse_addr,
     __wasock_sock_get_reuse_addr, NULL, NULL, NULL},
    {SOL_SOCKET, SO_REUSEPORT, OPT_FLAG, ANY_SOCKET, __wasock_sock_set_reuse_port,
     __wasock_sock_get_reuse_port, NULL, NULL, NULL},
    {SOL_SOCKET, SO_KEEPALIVE, OPT_FLAG, ANY_SOCKET, __wasock_sock_set_keep_alive,
     __wasock_sock_get_keep_alive, NULL, NULL, NULL},
    {SOL_SOCKET, SO_BROADCAST, OPT_FLAG, ANY_SOCKET, __wasock_sock_set_broadcast,
     __wasock_sock_get_broadcast, NULL, NULL, NULL},
    {SOL_SOCKET, SO_RCVBUF, OPT_SIZE, ANY_SOCKET, __wasock_sock_set_recv_buf_size, NULL,
     __wasock_sock_get_recv_buf_size, NULL, NULL},
    {SOL_SOCKET, SO_SNDBUF, OPT_SIZE, ANY_SOCKET, __wasock_sock_set_send_buf_size, NULL,
     __wasock_sock_get_send_buf_size, NULL, NULL},
    {SOL_SOCKET, SO_RCVTIMEO, OPT_TIMEOUT, ANY_SOCKET, NULL, NULL, NULL, __wasock_sock_set_recv_timeout,
     __wasock_sock_get_recv_timeout},
    {SOL_SOCKET, SO_SNDTIMEO, OPT_TIMEOUT, ANY_SOCKET, NULL, NULL, NULL, __wasock_sock_set_send_timeout,
     __wasock_sock_get_send_timeout},
    {SOL_SOCKET, SO_LINGER, OPT_LINGER, ANY_SOCKET, NULL, NULL, NULL, NULL, NULL},
    {SOL_SOCKET, SO_TYPE, OPT_TYPE, ANY_SOCKET, NULL, NULL, NULL, NULL, NULL},
    {SOL_SOCKET, SO_ERROR, OPT_ERROR, ANY_SOCKET, NULL, NULL, NULL, NULL, NULL},
    {IPPROTO_TCP, TCP_NODELAY, OPT_FLAG, STREAM_ONLY, __wasock_sock_set_tcp_no_delay,
     __wasock_sock_get_tcp_no_delay, NULL, NULL, NULL},
    {IPPROTO_IP, IP_TTL, OPT_TTL, ANY_SOCKET, __wasock_sock_set_ip_ttl, __wasock_sock_get_ip_ttl, NULL, NULL,
     NULL},
    {IPPROTO_IPV6, IPV6_V6ONLY, OPT_FLAG, INET6_ONLY, __wasock_sock_set_ipv6_only,
     __wasock_sock_get_ipv6_only, NULL, NULL, NULL},
    {IPPROTO_TCP, TCP_KEEPIDLE, OPT_SECONDS, STREAM_ONLY, __wasock_sock_set_tcp_keep_idle, NULL,
     __wasock_sock_get_tcp_keep_idle, NULL, NULL},
    {IPPROTO_TCP, TCP_KEEPINTVL, OPT_SECONDS, STREAM_ONLY, __wasock_sock_set_tcp_keep_intvl, NULL,
     __wasock_sock_get_tcp_keep_intvl, NULL, NULL},
    {IPPROTO_TCP, TCP_FASTOPEN_CONNECT, OPT_INT_U8, STREAM_ONLY, __wasock_sock_set_tcp_fastopen_connect,
     __wasock_sock_get_tcp_fastopen_connect, NULL, NULL, NULL},
    {IPPROTO_TCP, TCP_QUICKACK, OPT_INT_U8, STREAM_ONLY, __wasock_sock_set_tcp_quick_ack,
     __wasock_sock_get_tcp_quick_ack, NULL, NULL, NULL},
    {IPPROTO_IP, IP_MULTICAST_TTL, OPT_IP_BYTE, ANY_SOCKET, __wasock_sock_set_ip_multicast_ttl,
     __wasock_sock_get_ip_multicast_ttl, NULL, NULL, NULL},
    /* The loop options' imports take the family as a middle argument: their
     * calls are spelled out in set_value / get_value. */
    {IPPROTO_IP, IP_MULTICAST_LOOP, OPT_IP_BYTE, ANY_SOCKET, NULL, NULL, NULL, NULL, NULL},
    {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, OPT_INT_U8, INET6_ONLY, NULL, NULL, NULL, NULL, NULL},
    {IPPROTO_IP, IP_ADD_MEMBERSHIP, OPT_MEMBERSHIP, ANY_SOCKET, NULL, NULL, NULL, NULL, NULL},
    {IPPROTO_IP, IP_DROP_MEMBERSHIP, OPT_MEMBERSHIP, ANY_SOCKET, NULL, NULL, NULL, NULL, NULL},
};

/* IP_MULTICAST_LOOP and IPV6_MULTICAST_LOOP share one import pair. */
static int set_loop(int fd, const opt_row *row, uint32_t value) {
    uint32_t ipv6 = row->level == IPPROTO_IPV6 ? WASOCK_MULTICAST_LOOP_IPV6 : 0;
    return __wasock_sock_set_ip_multicast_loop(fd, ipv6, value);
}

static int get_loop(int fd, const opt_row *row, uint8_t *out) {
    uint32_t ipv6 = row->level == IPPROTO_IPV6 ? WASOCK_MULTICAST_LOOP_IPV6 : 0;
    return __wasock_sock_get_ip_multicast_loop(fd, ipv6, out);
}

static int is_loop(const opt_row *row) {
    return row->name == (row->level == IPPROTO_IPV6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP);
}

/* Unknown level and unknown name both answer ENOPROTOOPT, as Linux does for
 * an inet socket. */
static const opt_row *find(int level, int name) {
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (options[i].level == level && options[i].name == name)
            return &options[i];
    return NULL;
}

/* SO_TYPE and the first step of SO_ERROR: the filetype says stream or
 * datagram, and answers EBADF / ENOTSOCK for fds that are not sockets. */
static int socket_filetype(int fd, int *filetype) {
    __wasi_fdstat_t st;
    int err = __wasi_fd_fdstat_get(fd, &st);
    if (err != 0)
        return err;
    if (st.fs_filetype != WASOCK_FILETYPE_SOCKET_STREAM &&
        st.fs_filetype != WASOCK_FILETYPE_SOCKET_DGRAM)
        return ENOTSOCK;
    *filetype = st.fs_filetype;
    return 0;
}

/* Whether an option applies to this socket: 0 when it does, -1 when it does
 * not (Linux answers that with ENOPROTOOPT on set, EOPNOTSUPP on get), or the
 * errno of asking (EBADF, ENOTSOCK). */
static int check_scope(int fd, opt_scope scope) {
    int err;
    if (scope == STREAM_ONLY) {
        int filetype;
        if ((err = socket_filetype(fd, &filetype)) != 0)
            return err;
        return filetype == WASOCK_FILETYPE_SOCKET_STREAM ? 0 : -1;
    }
    if (scope == INET6_ONLY) {
        wasock_addr local;
        if ((err = __wasock_sock_addr_local(fd, &local)) != 0)
            return err;
        return local.kind == WASOCK_ADDR_KIND_IP6 ? 0 : -1;
    }
    return 0;
}

/* Linux's TTL default, which setsockopt(IP_TTL, -1) restores. */
#define DEFAULT_TTL 64
/* Largest timeout the i64 microsecond field can hold, in seconds. */
#define MAX_TIMEOUT_SECONDS (INT64_MAX / 1000000 - 1)

static int set_value(int fd, const opt_row *row, const void *val, socklen_t len) {
    if (val == NULL)
        return EFAULT;
    switch (row->shape) {
    case OPT_FLAG:
    case OPT_SIZE:
    case OPT_TTL: {
        int v;
        if (len < (socklen_t)sizeof v)
            return EINVAL;
        memcpy(&v, val, sizeof v);
        if (row->shape == OPT_FLAG)
            return row->set_u32(fd, v != 0);
        if (row->shape == OPT_SIZE)
            return row->set_u32(fd, v < 0 ? 0 : (uint32_t)v);
        if (v == -1)
            v = DEFAULT_TTL;
        if (v < 1 || v > 255)
            return EINVAL;
        return row->set_u32(fd, (uint32_t)v);
    }
    case OPT_LINGER: {
        struct linger l;
        if (len < (socklen_t)sizeof l)
            return EINVAL;
        memcpy(&l, val, sizeof l);
        return __wasock_sock_set_linger(fd, l.l_onoff != 0, l.l_linger < 0 ? 0 : l.l_linger);
    }
    case OPT_TIMEOUT: {
        struct timeval tv;
        if (len < (socklen_t)sizeof tv)
            return EINVAL;
        memcpy(&tv, val, sizeof tv);
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return EDOM; /* Linux's answer to a malformed timeval */
        /* Linux takes a negative timeout as "time out at once"; the ABI's 0
         * means "never", so the nearest we can say is one microsecond. */
        if (tv.tv_sec < 0)
            return row->set_i64(fd, 1);
        int64_t secs = tv.tv_sec > MAX_TIMEOUT_SECONDS ? MAX_TIMEOUT_SECONDS : tv.tv_sec;
        return row->set_i64(fd, secs * 1000000 + tv.tv_usec);
    }
    case OPT_SECONDS:
    case OPT_INT_U8: {
        int v;
        if (len < (socklen_t)sizeof v)
            return EINVAL;
        memcpy(&v, val, sizeof v);
        if (is_loop(row))
            return set_loop(fd, row, (uint32_t)v);
        return row->set_u32(fd, (uint32_t)v);
    }
    case OPT_IP_BYTE: {
        /* Linux takes an int, or a single byte when optlen is shorter. */
        int v;
        if (len >= (socklen_t)sizeof v)
            memcpy(&v, val, sizeof v);
        else if (len >= 1)
            v = *(const unsigned char *)val;
        else
            return EINVAL;
        if (is_loop(row))
            return set_loop(fd, row, v != 0);
        if (v == -1)
            v = 1; /* IP_MULTICAST_TTL: -1 restores the default */
        if (v < 0 || v > 255)
            return EINVAL;
        return row->set_u32(fd, (uint32_t)v);
    }
    case OPT_MEMBERSHIP: {
        /* struct ip_mreq: the group, then the interface address (ip_mreqn
         * starts the same way; its ifindex is not carried). */
        struct in_addr addrs[2];
        /* Linux refuses a stream socket (EPROTO) before looking at optlen. */
        int filetype, err;
        if ((err = socket_filetype(fd, &filetype)) != 0)
            return err;
        if (filetype == WASOCK_FILETYPE_SOCKET_STREAM)
            return EPROTO;
        if (len < (socklen_t)sizeof addrs)
            return EINVAL;
        memcpy(addrs, val, sizeof addrs);
        wasock_ip group;
        memset(&group, 0, sizeof group);
        group.kind = WASOCK_ADDR_KIND_IP4;
        memcpy(group.u.octets, &addrs[0].s_addr, 4);
        if (row->name == IP_ADD_MEMBERSHIP)
            return __wasock_sock_set_ip_add_membership(fd, &group, addrs[1].s_addr);
        return __wasock_sock_set_ip_drop_membership(fd, &group, addrs[1].s_addr);
    }
    case OPT_TYPE:
    case OPT_ERROR:
        return ENOPROTOOPT; /* read-only */
    }
    return ENOPROTOOPT;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
    const opt_row *row = find(level, name);
    if (row == NULL)
        return __wasock_fail(ENOPROTOOPT);
    int err = check_scope(fd, row->scope);
    if (err == -1)
        err = ENOPROTOOPT;
    if (err == 0)
        err = set_value(fd, row, val, len);
    return err == 0 ? 0 : __wasock_fail(err);
}

/* Copies the value out the way Linux does: a short buffer gets the first
 * *len bytes and *len says how many were written. */
static int put(void *val, socklen_t *len, const void *value, socklen_t size) {
    if (*len < size)
        size = *len;
    memcpy(val, value, size);
    *len = size;
    return 0;
}

static int get_value(int fd, const opt_row *row, void *val, socklen_t *len) {
    if (val == NULL || len == NULL)
        return EFAULT;
    int err;
    switch (row->shape) {
    case OPT_FLAG:
    case OPT_TTL:
    case OPT_INT_U8:
    case OPT_IP_BYTE: {
        uint8_t b = 0;
        if ((err = is_loop(row) ? get_loop(fd, row, &b) : row->get_u8(fd, &b)) != 0)
            return err;
        int v = row->shape == OPT_FLAG ? (b != 0) : b;
        return put(val, len, &v, sizeof v);
    }
    case OPT_SIZE:
    case OPT_SECONDS: {
        uint32_t n = 0;
        if ((err = row->get_u32(fd, &n)) != 0)
            return err;
        int v = n > INT32_MAX ? INT32_MAX : (int)n;
        return put(val, len, &v, sizeof v);
    }
    case OPT_LINGER: {
        uint8_t on = 0;
        int32_t secs = 0;
        if ((err = __wasock_sock_get_linger(fd, &on, &secs)) != 0)
            return err;
        struct linger l = {on != 0, secs};
        return put(val, len, &l, sizeof l);
    }
    case OPT_TIMEOUT: {
        uint64_t us = 0;
        if ((err = row->get_u64(fd, &us)) != 0)
            return err;
        struct timeval tv;
        memset(&tv, 0, sizeof tv);
        tv.tv_sec = (time_t)(us / 1000000);
        tv.tv_usec = (suseconds_t)(us % 1000000);
        return put(val, len, &tv, sizeof tv);
    }
    case OPT_TYPE: {
        int filetype;
        if ((err = socket_filetype(fd, &filetype)) != 0)
            return err;
        int v = filetype == WASOCK_FILETYPE_SOCKET_STREAM ? SOCK_STREAM : SOCK_DGRAM;
        return put(val, len, &v, sizeof v);
    }
    case OPT_ERROR: {
        int filetype;
        if ((err = socket_filetype(fd, &filetype)) != 0)
            return err;
        int pending = 0;
        /* A zero-byte send on a stream socket reports (and clears) the
         * pending error. On a datagram socket it would send an empty
         * datagram, so there is nothing to ask: report none. */
        if (filetype == WASOCK_FILETYPE_SOCKET_STREAM) {
            wasock_iovec none = {0, 0};
            uint32_t sent = 0;
            pending = __wasock_sock_send(fd, &none, 0, 0, &sent);
            /* A host without that convention refuses the empty send
             * (iwasm: EINVAL, never a socket error on Linux TCP). What it
             * can say is whether the connection stands: connected, no
             * error; otherwise the answer names no cause, only ENOTCONN. */
            if (pending == EINVAL) {
                wasock_addr peer;
                pending = __wasock_sock_addr_remote(fd, &peer) == 0 ? 0 : ENOTCONN;
            }
        }
        return put(val, len, &pending, sizeof pending);
    }
    case OPT_MEMBERSHIP:
        return ENOPROTOOPT; /* write-only, as on Linux */
    }
    return ENOPROTOOPT;
}

int getsockopt(int fd, int level, int name, void *__restrict val, socklen_t *__restrict len) {
    const opt_row *row = find(level, name);
    if (row == NULL)
        return __wasock_fail(ENOPROTOOPT);
    int err = check_scope(fd, row->scope);
    if (err == -1)
        err = EOPNOTSUPP;
    if (err == 0)
        err = get_value(fd, row, val, len);
    return err == 0 ? 0 : __wasock_fail(err);
}
