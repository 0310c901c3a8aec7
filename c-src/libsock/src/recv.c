/*
 * recv(), recvfrom(), recvmsg(). One helper does the work: sock_recv when the
 * caller wants no source address or the socket is a stream (no address, as on
 * Linux), sock_recv_from when it does. wasi-libc's libc.a has its own
 * recv() (recv.o); defining recv here keeps that member out.
 * MSG_OOB fails with EOPNOTSUPP: Node's sockets never receive urgent data
 * (README, deviations).
 */
#include <stdint.h>

#include "internal.h"

static ssize_t recv_iov(int fd, const wasock_iovec *iov, uint32_t iovcnt, int flags,
                        struct sockaddr *src, socklen_t *src_len) {
    if (flags & MSG_OOB)
        return __wasock_fail(EOPNOTSUPP);
    if (src != NULL && src_len == NULL)
        return __wasock_fail(EFAULT);
    /* A stream socket has no source address per read: Linux reports none
     * (*src_len = 0) and leaves the buffer alone. */
    __wasi_fdstat_t st;
    if (src != NULL && __wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) {
        *src_len = 0;
        src = NULL;
    }

    int restore;
    int err = __wasock_dontwait_enter(fd, flags, &restore);
    if (err != 0)
        return __wasock_fail(err);
    uint32_t riflags = __wasock_riflags(flags);
    uint32_t got = 0;
    wasock_addr from;
    if (src != NULL) {
        err = __wasock_sock_recv_from(fd, iov, iovcnt, riflags, &from, &got);
    } else {
        uint16_t roflags = 0;
        err = __wasock_sock_recv(fd, iov, iovcnt, riflags, &got, &roflags);
    }
    __wasock_dontwait_leave(fd, restore);
    if (err != 0)
        return __wasock_fail(err);

    if (src != NULL) {
        err = __wasock_addr_to_sockaddr(&from, src, src_len);
        if (err != 0)
            return __wasock_fail(err);
    }
    return (ssize_t)got;
}

ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags,
                 struct sockaddr *__restrict src, socklen_t *__restrict src_len) {
    wasock_iovec iov = {(uint32_t)(uintptr_t)buf, (uint32_t)len};
    return recv_iov(fd, &iov, 1, flags, src, src_len);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
    return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    if (msg == NULL)
        return __wasock_fail(EFAULT);
    if (msg->msg_iovlen < 0)
        return __wasock_fail(EMSGSIZE);
    /* struct iovec is {void *, size_t}: on wasm32 that is the ABI's iovec. */
    _Static_assert(sizeof(struct iovec) == sizeof(wasock_iovec), "iovec layout");
    struct sockaddr *src = (struct sockaddr *)msg->msg_name;
    ssize_t got = recv_iov(fd, (const wasock_iovec *)msg->msg_iov, (uint32_t)msg->msg_iovlen,
                           flags, src, src != NULL ? &msg->msg_namelen : NULL);
    if (got >= 0) {
        /* No ancillary data and no per-message flags cross the ABI. */
        msg->msg_controllen = 0;
        msg->msg_flags = 0;
    }
    return got;
}
