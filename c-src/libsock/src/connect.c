/* connect(): sockaddr -> ABI addr -> sock_connect. On a non-blocking fd the
 * host answers EINPROGRESS and the outcome is read later through
 * getsockopt(SO_ERROR), exactly as on Linux. */
#include "internal.h"

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    wasock_addr a;
    int err = __wasock_addr_from_sockaddr(addr, len, &a);
    if (err == 0)
        err = __wasock_sock_connect(fd, &a);
    return err == 0 ? 0 : __wasock_fail(err);
}
