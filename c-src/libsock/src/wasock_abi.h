/*
 * The guest half of the wasock socket ABI, in one place: the layouts the host
 * reads and writes in linear memory, the ABI's own constants, and the import
 * declarations. docs/abi.md is the contract; the TypeScript host keeps the
 * mirror image of this file, and c-src/tests/abi_layout.c prints what the
 * compiler made of it so a test can compare the two sides.
 *
 * The ABI is WAMR lib-socket compatible, which is why its codes differ from
 * wasi-libc's AF_* / SOCK_* values: libsock translates at every boundary.
 */
#ifndef WASOCK_ABI_H
#define WASOCK_ABI_H

#include <stddef.h>
#include <stdint.h>

/* Address kinds in wasock_addr.kind. */
#define WASOCK_ADDR_KIND_IP4 0
#define WASOCK_ADDR_KIND_IP6 1

/* Socket types (sock_open, addr_info.socktype, hints.socktype). */
#define WASOCK_SOCKTYPE_DGRAM 0
#define WASOCK_SOCKTYPE_STREAM 1
#define WASOCK_SOCKTYPE_ANY (-1) /* hints only */

/* Address families (sock_open, hints.family). */
#define WASOCK_FAMILY_INET4 0
#define WASOCK_FAMILY_INET6 1
#define WASOCK_FAMILY_UNSPEC 2 /* hints only */

/* Standard preview 1 flag and type values the socket calls rely on. They are
 * restated here (rather than taken from <wasi/api.h> only) so the layout test
 * prints them and the host can check its copy. */
#define WASOCK_FDFLAGS_NONBLOCK 4
#define WASOCK_RIFLAGS_PEEK 1
#define WASOCK_RIFLAGS_WAITALL 2
#define WASOCK_ROFLAGS_DATA_TRUNCATED 1
#define WASOCK_SDFLAGS_RD 1
#define WASOCK_SDFLAGS_WR 2
#define WASOCK_FILETYPE_SOCKET_DGRAM 5
#define WASOCK_FILETYPE_SOCKET_STREAM 6

/* addr: 24 bytes, align 4. IPv4 octets are in network order (as in
 * sin_addr); IPv6 groups and both ports are in host order, unlike sockaddr. */
typedef struct wasock_addr_ip4 {
    uint8_t octets[4];
    uint16_t port;
} wasock_addr_ip4;

typedef struct wasock_addr_ip6 {
    uint16_t groups[8];
    uint16_t port;
} wasock_addr_ip6;

typedef struct wasock_addr {
    uint32_t kind;
    union {
        wasock_addr_ip4 ip4;
        wasock_addr_ip6 ip6;
    } u;
} wasock_addr;

/* One sock_addr_resolve result. */
typedef struct wasock_addr_info {
    wasock_addr addr;
    int32_t socktype;
} wasock_addr_info;

/* sock_addr_resolve's filter; enabled = 0 means "no hints". */
typedef struct wasock_addr_hints {
    int32_t socktype;
    int32_t family;
    uint8_t enabled;
} wasock_addr_hints;

/* iovec / ciovec as preview 1 lays them out (and as struct iovec is). */
typedef struct wasock_iovec {
    uint32_t buf;
    uint32_t len;
} wasock_iovec;

#ifdef __wasm32__
/* The layout is the contract: break the build rather than the host. */
_Static_assert(sizeof(wasock_addr) == 24, "addr is 24 bytes");
_Static_assert(_Alignof(wasock_addr) == 4, "addr is 4-aligned");
_Static_assert(offsetof(wasock_addr, u.ip4.octets) == 4, "ip4 octets at 4");
_Static_assert(offsetof(wasock_addr, u.ip4.port) == 8, "ip4 port at 8");
_Static_assert(offsetof(wasock_addr, u.ip6.groups) == 4, "ip6 groups at 4");
_Static_assert(offsetof(wasock_addr, u.ip6.port) == 20, "ip6 port at 20");
_Static_assert(sizeof(wasock_addr_info) == 28, "addr_info is 28 bytes");
_Static_assert(offsetof(wasock_addr_info, socktype) == 24, "socktype at 24");
_Static_assert(sizeof(wasock_addr_hints) == 12, "hints is 12 bytes");
_Static_assert(offsetof(wasock_addr_hints, family) == 4, "family at 4");
_Static_assert(offsetof(wasock_addr_hints, enabled) == 8, "enabled at 8");
_Static_assert(sizeof(wasock_iovec) == 8, "iovec is 8 bytes");
#endif

/*
 * Imports. Every one lives in wasi_snapshot_preview1 and returns a WASI errno
 * (0 = success). The C names carry a reserved prefix so a program may define
 * its own `sock_open` without colliding with ours.
 */
#define WASOCK_IMPORT(name) \
    __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

WASOCK_IMPORT("sock_open")
int32_t __wasock_sock_open(int32_t poolfd, int32_t af, int32_t socktype, uint32_t *fd_out);
WASOCK_IMPORT("sock_bind")
int32_t __wasock_sock_bind(int32_t fd, const wasock_addr *addr);
WASOCK_IMPORT("sock_connect")
int32_t __wasock_sock_connect(int32_t fd, const wasock_addr *addr);
WASOCK_IMPORT("sock_listen")
int32_t __wasock_sock_listen(int32_t fd, int32_t backlog);
WASOCK_IMPORT("sock_accept")
int32_t __wasock_sock_accept(int32_t fd, uint32_t fdflags, uint32_t *fd_out);
WASOCK_IMPORT("sock_addr_local")
int32_t __wasock_sock_addr_local(int32_t fd, wasock_addr *addr_out);
WASOCK_IMPORT("sock_addr_remote")
int32_t __wasock_sock_addr_remote(int32_t fd, wasock_addr *addr_out);
WASOCK_IMPORT("sock_addr_resolve")
int32_t __wasock_sock_addr_resolve(const char *host, const char *service,
                                   const wasock_addr_hints *hints,
                                   wasock_addr_info *info_out, uint32_t max_count,
                                   uint32_t *total_out);
WASOCK_IMPORT("sock_send_to")
int32_t __wasock_sock_send_to(int32_t fd, const wasock_iovec *iov, uint32_t iovcnt,
                              uint32_t siflags, const wasock_addr *dest,
                              uint32_t *sent_out);
WASOCK_IMPORT("sock_recv_from")
int32_t __wasock_sock_recv_from(int32_t fd, const wasock_iovec *iov, uint32_t iovcnt,
                                uint32_t riflags, wasock_addr *src_out,
                                uint32_t *recvd_out);
WASOCK_IMPORT("sock_send")
int32_t __wasock_sock_send(int32_t fd, const wasock_iovec *iov, uint32_t iovcnt,
                           uint32_t siflags, uint32_t *sent_out);
WASOCK_IMPORT("sock_recv")
int32_t __wasock_sock_recv(int32_t fd, const wasock_iovec *iov, uint32_t iovcnt,
                           uint32_t riflags, uint32_t *recvd_out, uint16_t *roflags_out);
WASOCK_IMPORT("sock_shutdown")
int32_t __wasock_sock_shutdown(int32_t fd, uint32_t how);

/* Boolean options: set takes 0/1, get writes one byte. */
WASOCK_IMPORT("sock_set_reuse_addr")
int32_t __wasock_sock_set_reuse_addr(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_reuse_addr")
int32_t __wasock_sock_get_reuse_addr(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_reuse_port")
int32_t __wasock_sock_set_reuse_port(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_reuse_port")
int32_t __wasock_sock_get_reuse_port(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_keep_alive")
int32_t __wasock_sock_set_keep_alive(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_keep_alive")
int32_t __wasock_sock_get_keep_alive(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_tcp_no_delay")
int32_t __wasock_sock_set_tcp_no_delay(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_tcp_no_delay")
int32_t __wasock_sock_get_tcp_no_delay(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_broadcast")
int32_t __wasock_sock_set_broadcast(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_broadcast")
int32_t __wasock_sock_get_broadcast(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_ipv6_only")
int32_t __wasock_sock_set_ipv6_only(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_ipv6_only")
int32_t __wasock_sock_get_ipv6_only(int32_t fd, uint8_t *out);

/* Sizes are u32. */
WASOCK_IMPORT("sock_set_recv_buf_size")
int32_t __wasock_sock_set_recv_buf_size(int32_t fd, uint32_t size);
WASOCK_IMPORT("sock_get_recv_buf_size")
int32_t __wasock_sock_get_recv_buf_size(int32_t fd, uint32_t *out);
WASOCK_IMPORT("sock_set_send_buf_size")
int32_t __wasock_sock_set_send_buf_size(int32_t fd, uint32_t size);
WASOCK_IMPORT("sock_get_send_buf_size")
int32_t __wasock_sock_get_send_buf_size(int32_t fd, uint32_t *out);

/* TTL is a u8. */
WASOCK_IMPORT("sock_set_ip_ttl")
int32_t __wasock_sock_set_ip_ttl(int32_t fd, uint32_t ttl);
WASOCK_IMPORT("sock_get_ip_ttl")
int32_t __wasock_sock_get_ip_ttl(int32_t fd, uint8_t *out);

WASOCK_IMPORT("sock_set_linger")
int32_t __wasock_sock_set_linger(int32_t fd, uint32_t enabled, int32_t seconds);
WASOCK_IMPORT("sock_get_linger")
int32_t __wasock_sock_get_linger(int32_t fd, uint8_t *enabled_out, int32_t *seconds_out);

/* Timeouts travel as i64 microseconds; 0 means "no timeout". */
WASOCK_IMPORT("sock_set_recv_timeout")
int32_t __wasock_sock_set_recv_timeout(int32_t fd, int64_t micros);
WASOCK_IMPORT("sock_get_recv_timeout")
int32_t __wasock_sock_get_recv_timeout(int32_t fd, uint64_t *out);
WASOCK_IMPORT("sock_set_send_timeout")
int32_t __wasock_sock_set_send_timeout(int32_t fd, int64_t micros);
WASOCK_IMPORT("sock_get_send_timeout")
int32_t __wasock_sock_get_send_timeout(int32_t fd, uint64_t *out);

/* The rest of WAMR's table: TCP keep-alive timing and flags, multicast. */
WASOCK_IMPORT("sock_set_tcp_keep_idle")
int32_t __wasock_sock_set_tcp_keep_idle(int32_t fd, uint32_t seconds);
WASOCK_IMPORT("sock_get_tcp_keep_idle")
int32_t __wasock_sock_get_tcp_keep_idle(int32_t fd, uint32_t *out);
WASOCK_IMPORT("sock_set_tcp_keep_intvl")
int32_t __wasock_sock_set_tcp_keep_intvl(int32_t fd, uint32_t seconds);
WASOCK_IMPORT("sock_get_tcp_keep_intvl")
int32_t __wasock_sock_get_tcp_keep_intvl(int32_t fd, uint32_t *out);
WASOCK_IMPORT("sock_set_tcp_fastopen_connect")
int32_t __wasock_sock_set_tcp_fastopen_connect(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_tcp_fastopen_connect")
int32_t __wasock_sock_get_tcp_fastopen_connect(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_tcp_quick_ack")
int32_t __wasock_sock_set_tcp_quick_ack(int32_t fd, uint32_t value);
WASOCK_IMPORT("sock_get_tcp_quick_ack")
int32_t __wasock_sock_get_tcp_quick_ack(int32_t fd, uint8_t *out);
WASOCK_IMPORT("sock_set_ip_multicast_ttl")
int32_t __wasock_sock_set_ip_multicast_ttl(int32_t fd, uint32_t ttl);
WASOCK_IMPORT("sock_get_ip_multicast_ttl")
int32_t __wasock_sock_get_ip_multicast_ttl(int32_t fd, uint8_t *out);

/* The middle argument picks IPV6_MULTICAST_LOOP (1) or IP_MULTICAST_LOOP (0). */
#define WASOCK_MULTICAST_LOOP_IPV6 1
WASOCK_IMPORT("sock_set_ip_multicast_loop")
int32_t __wasock_sock_set_ip_multicast_loop(int32_t fd, uint32_t ipv6, uint32_t enabled);
WASOCK_IMPORT("sock_get_ip_multicast_loop")
int32_t __wasock_sock_get_ip_multicast_loop(int32_t fd, uint32_t ipv6, uint8_t *out);

/* A group for add/drop membership: an addr without its port (20 bytes). The
 * interface is ip_mreq.imr_interface.s_addr, a u32 in network order. */
typedef struct wasock_ip {
    uint32_t kind;
    union {
        uint8_t octets[4];
        uint16_t groups[8];
    } u;
} wasock_ip;
#ifdef __wasm32__
_Static_assert(sizeof(wasock_ip) == 20, "ip record is 20 bytes");
#endif
WASOCK_IMPORT("sock_set_ip_add_membership")
int32_t __wasock_sock_set_ip_add_membership(int32_t fd, const wasock_ip *group, uint32_t iface);
WASOCK_IMPORT("sock_set_ip_drop_membership")
int32_t __wasock_sock_set_ip_drop_membership(int32_t fd, const wasock_ip *group, uint32_t iface);

/* WAMR's sock_close (fd_close does the same for a socket; libsock uses that). */
WASOCK_IMPORT("sock_close")
int32_t __wasock_sock_close(int32_t fd);

/*
 * wasock's own imports, outside WAMR's table (docs/abi.md, "wasock's
 * extensions"): a module that calls them needs wasock's host.
 */
#define WASOCK_DUP_LOWEST 0 /* F_DUPFD: the lowest free number >= target */
#define WASOCK_DUP_EXACT 1  /* dup2: exactly target, closing what it held */
WASOCK_IMPORT("wasock_fd_dup")
int32_t __wasock_fd_dup(int32_t fd, int32_t target, int32_t mode, uint32_t *fd_out);

WASOCK_IMPORT("wasock_pipe")
int32_t __wasock_pipe(int32_t *fds_out, uint32_t fdflags);

/*
 * Signals (docs/abi.md, "Signals"): the program's dispositions and mask live
 * in the host, which keeps pending signals, runs the interval timer and
 * delivers at import boundaries by calling the export below.
 * Signal numbers are Linux's, 1..31; sets are bit masks, bit n = signal n.
 */
#define WASOCK_SIG_MAX 31
#define WASOCK_SIG_DEFAULT 0 /* disposition kinds for wasock_sigaction */
#define WASOCK_SIG_IGNORE 1
#define WASOCK_SIG_HANDLER 2
#define WASOCK_SIG_BLOCK 0 /* wasock_sigprocmask's how, as SIG_BLOCK… */
#define WASOCK_SIG_UNBLOCK 1
#define WASOCK_SIG_SETMASK 2
/* sock_send/sock_send_to siflags bit: MSG_NOSIGNAL (no SIGPIPE on EPIPE). */
#define WASOCK_SIFLAGS_NOSIGNAL 0x8000

/* `dispatch`: the function the host calls to run a handler, void(int), as
 * its index in the exported __indirect_function_table (the driver links with
 * --export-table). Not an export of its own: a command module's exports run
 * the C constructors and destructors around every call. */
WASOCK_IMPORT("wasock_sigaction")
int32_t __wasock_sigaction(int32_t sig, int32_t kind, int32_t flags, uint32_t mask, uint32_t dispatch);
WASOCK_IMPORT("wasock_sigprocmask")
int32_t __wasock_sigprocmask(int32_t how, uint32_t set, uint32_t *old_out);
WASOCK_IMPORT("wasock_raise")
int32_t __wasock_raise(int32_t sig);
/* ITIMER_REAL: value_us < 0 only reads; old_out gets {u64 value_us, u64 interval_us}. */
WASOCK_IMPORT("wasock_setitimer")
int32_t __wasock_setitimer(int64_t value_us, int64_t interval_us, uint64_t *old_out);
WASOCK_IMPORT("wasock_sigsuspend")
int32_t __wasock_sigsuspend(uint32_t mask);

/* An address's host name (gethostbyaddr, getnameinfo): the name without a
 * NUL, cut at buf_len, its full length in *name_len_out; NOENT when none. */
WASOCK_IMPORT("wasock_addr_name")
int32_t __wasock_addr_name(const wasock_addr *addr, char *name_buf, uint32_t buf_len,
                           uint32_t *name_len_out);

/*
 * epoll (epoll.c): event bits, ctl operations and EPOLL_CLOEXEC travel with
 * Linux's values, so <sys/epoll.h>'s names pass through untranslated; the
 * record is struct epoll_event as wasm32 lays it out (no packing).
 */
#define WASOCK_EPOLL_CTL_ADD 1
#define WASOCK_EPOLL_CTL_DEL 2
#define WASOCK_EPOLL_CTL_MOD 3
#define WASOCK_EPOLLIN 0x001
#define WASOCK_EPOLLOUT 0x004
#define WASOCK_EPOLLRDHUP 0x2000
#define WASOCK_EPOLLONESHOT (1u << 30)
#define WASOCK_EPOLLET (1u << 31)
typedef struct wasock_epoll_event {
    uint32_t events;
    uint64_t data;
} wasock_epoll_event;
#ifdef __wasm32__
_Static_assert(sizeof(wasock_epoll_event) == 16, "epoll_event is 16 bytes");
_Static_assert(offsetof(wasock_epoll_event, data) == 8, "epoll_event data at 8");
#endif

WASOCK_IMPORT("wasock_epoll_create")
int32_t __wasock_epoll_create(uint32_t *fd_out);
WASOCK_IMPORT("wasock_epoll_ctl")
int32_t __wasock_epoll_ctl(int32_t epfd, int32_t op, int32_t fd, const wasock_epoll_event *event);
/* timeout_ms < 0: no limit. */
WASOCK_IMPORT("wasock_epoll_wait")
int32_t __wasock_epoll_wait(int32_t epfd, wasock_epoll_event *events, int32_t maxevents,
                            int32_t timeout_ms, uint32_t *n_out);

/*
 * Green threads (pthread.c, docs/abi.md): every pthread is its own call into
 * the instance, switched only where it waits. A thread is named by the
 * address of its control block (the pthread_t).
 */
/* Starts a thread that calls entry(thread) once the caller waits; the host
 * calls switch_to(thread) before a thread runs, whenever another ran last.
 * Both are functions of the exported table (an export of a command module
 * would run the program's destructors after each call). ENOSYS where the
 * host has no green threads. */
WASOCK_IMPORT("wasock_thread_spawn")
int32_t __wasock_thread_spawn(uint32_t thread, void (*entry)(void *), uint32_t (*switch_to)(void *));
/* The calling thread ends here (pthread_exit with other threads alive);
 * never returns on a host with threads. */
WASOCK_IMPORT("wasock_thread_exit")
int32_t __wasock_thread_exit(void);
/* Waits while *addr == expected, until a wake on addr or timeout_ns passes
 * (negative: no limit). 0 when woken, AGAIN when *addr != expected,
 * TIMEDOUT. A futex, as every lock and wait in pthread.c is built on. */
WASOCK_IMPORT("wasock_futex_wait")
int32_t __wasock_futex_wait(volatile int32_t *addr, int32_t expected, int64_t timeout_ns);
/* Wakes up to n threads waiting on addr. */
WASOCK_IMPORT("wasock_futex_wake")
int32_t __wasock_futex_wake(volatile int32_t *addr, uint32_t n);

#endif /* WASOCK_ABI_H */
