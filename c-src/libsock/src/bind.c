/* bind(): sockaddr -> ABI addr -> sock_bind. */
#include "internal.h"

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    wasock_addr a;
    int err = __wasock_addr_from_sockaddr(addr, len, &a);
    if (err == 0)
        err = __wasock_sock_bind(fd, &a);
    return err == 0 ? 0 : __wasock_fail(err);
}
