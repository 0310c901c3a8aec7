/*
 * accept() and accept4(). wasi-libc's libc.a has its own versions in one
 * member (accept.o); defining both here means that member is never pulled in,
 * so ours win at link time. Preview 1's sock_accept returns no address, so
 * the peer address comes from sock_addr_remote on the new fd.
 */
#include <wasi/api.h>

#include "internal.h"

int accept4(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len, int flags) {
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return __wasock_fail(EINVAL);
    if (addr != NULL && len == NULL)
        return __wasock_fail(EFAULT);

    uint32_t conn;
    uint32_t fdflags = (flags & SOCK_NONBLOCK) ? WASOCK_FDFLAGS_NONBLOCK : 0;
    int err = __wasock_sock_accept(fd, fdflags, &conn);
    if (err != 0)
        return __wasock_fail(err);

    if (addr != NULL) {
        wasock_addr peer;
        err = __wasock_sock_addr_remote((int)conn, &peer);
        if (err == 0)
            err = __wasock_addr_to_sockaddr(&peer, addr, len);
        if (err != 0) {
            /* Better to fail the call than hand back an fd with garbage as
             * its peer; the host keeps the address from accept time, so this
             * does not happen in practice. */
            (void)__wasi_fd_close((int)conn);
            return __wasock_fail(err);
        }
    }
    return (int)conn;
}

int accept(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
    return accept4(fd, addr, len, 0);
}
