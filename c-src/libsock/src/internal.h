/*
 * Helpers shared by libsock's modules (not part of any public header). The
 * ABI itself lives in wasock_abi.h; this file is about the POSIX side.
 */
#ifndef WASOCK_INTERNAL_H
#define WASOCK_INTERNAL_H

#include <errno.h>
#include <sys/socket.h>

#include "wasock_abi.h"

/* Stores a WASI errno (which is wasi-libc's errno value) and returns -1, the
 * failure value of nearly every socket call. */
static inline int __wasock_fail(int err) {
    errno = err;
    return -1;
}

/* sockaddr_in/sockaddr_in6 -> ABI addr (sockaddr.c). Returns 0 or an errno. */
int __wasock_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, wasock_addr *out);

/* ABI addr -> sockaddr, truncated to *len bytes as POSIX asks, with *len set
 * to the full size (sockaddr.c). A NULL sa stores nothing. Returns 0 or an
 * errno. */
int __wasock_addr_to_sockaddr(const wasock_addr *in, struct sockaddr *sa, socklen_t *len);

/* The host name of `sa` into name[len] (NUL-terminated) through the host's
 * reverse lookup (host_name.c): 0, ENOENT when it has none, ERANGE when it
 * does not fit, or another errno. */
int __wasock_host_name(const struct sockaddr *sa, socklen_t salen, char *name, size_t len);

/* wasi-libc AF_* -> ABI family; -1 when the ABI has none (codes.c). */
int __wasock_family_to_abi(int af);

/* MSG_* bits of recv/recvfrom/recvmsg -> ABI riflags (codes.c). */
uint32_t __wasock_riflags(int msg_flags);

/*
 * MSG_DONTWAIT on one call (nonblock.c): the ABI has no per-call flag, so
 * we switch the fd to FDFLAGS_NONBLOCK for the duration of the call and
 * switch it back afterwards. `enter` returns 0 or an errno and sets *restore
 * when `leave` must clear the flag again.
 */
int __wasock_dontwait_enter(int fd, int msg_flags, int *restore);
void __wasock_dontwait_leave(int fd, int restore);

/* Well-known service names (services.c): a small built-in stand-in for
 * /etc/services, which a wasm guest does not have. */
#define WASOCK_SVC_TCP 1
#define WASOCK_SVC_UDP 2
typedef struct wasock_service {
    const char *name;
    const char *alias; /* NULL when none */
    unsigned short port;
    unsigned char protos; /* WASOCK_SVC_* bits */
} wasock_service;
/* The entry for a name or alias offered over any of `protos`, or NULL. */
const wasock_service *__wasock_service_by_name(const char *name, int protos);
/* The entry for a port offered over any of `protos`, or NULL. */
const wasock_service *__wasock_service_by_port(unsigned port, int protos);

#endif /* WASOCK_INTERNAL_H */
