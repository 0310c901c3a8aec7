/*
 * send(), sendto(), sendmsg(). All three end in one helper: sock_send when
 * there is no destination, sock_send_to when there is. wasi-libc's libc.a has
 * its own send() (send.o); defining send here keeps that member out.
 * MSG_NOSIGNAL becomes the siflags bit WASOCK_SIFLAGS_NOSIGNAL: the host
 * raises SIGPIPE on EPIPE unless it is set (a send without it keeps siflags 0,
 * WAMR's table).
 * MSG_OOB fails with EOPNOTSUPP: Node's sockets cannot send urgent data
 * (README, deviations).
 */
#include <stdint.h>

#include "internal.h"

static ssize_t send_iov(int fd, const wasock_iovec *iov, uint32_t iovcnt, int flags,
                        const struct sockaddr *dest, socklen_t dest_len) {
    if (flags & MSG_OOB)
        return __wasock_fail(EOPNOTSUPP);
    wasock_addr to;
    int err = 0;
    if (dest != NULL) {
        err = __wasock_addr_from_sockaddr(dest, dest_len, &to);
        if (err != 0)
            return __wasock_fail(err);
    }

    int restore;
    err = __wasock_dontwait_enter(fd, flags, &restore);
    if (err != 0)
        return __wasock_fail(err);
    uint32_t sent = 0;
    uint32_t siflags = (flags & MSG_NOSIGNAL) ? WASOCK_SIFLAGS_NOSIGNAL : 0;
    if (dest != NULL)
        err = __wasock_sock_send_to(fd, iov, iovcnt, siflags, &to, &sent);
    else
        err = __wasock_sock_send(fd, iov, iovcnt, siflags, &sent);
    __wasock_dontwait_leave(fd, restore);

    return err == 0 ? (ssize_t)sent : __wasock_fail(err);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
               socklen_t dest_len) {
    wasock_iovec iov = {(uint32_t)(uintptr_t)buf, (uint32_t)len};
    return send_iov(fd, &iov, 1, flags, dest, dest_len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
    return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    if (msg == NULL)
        return __wasock_fail(EFAULT);
    if (msg->msg_iovlen < 0)
        return __wasock_fail(EMSGSIZE);
    /* struct iovec is {void *, size_t}: on wasm32 that is the ABI's ciovec. */
    _Static_assert(sizeof(struct iovec) == sizeof(wasock_iovec), "iovec layout");
    return send_iov(fd, (const wasock_iovec *)msg->msg_iov, (uint32_t)msg->msg_iovlen, flags,
                    (const struct sockaddr *)msg->msg_name, msg->msg_namelen);
}
