/* getsockname() and getpeername(): ask the host, convert the ABI addr. */
#include "internal.h"

static int name_of(int fd, int local, struct sockaddr *addr, socklen_t *len) {
    if (addr == NULL || len == NULL)
        return __wasock_fail(EFAULT);
    wasock_addr a;
    int err = local ? __wasock_sock_addr_local(fd, &a) : __wasock_sock_addr_remote(fd, &a);
    if (err == 0)
        err = __wasock_addr_to_sockaddr(&a, addr, len);
    return err == 0 ? 0 : __wasock_fail(err);
}

int getsockname(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
    return name_of(fd, 1, addr, len);
}

int getpeername(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
    return name_of(fd, 0, addr, len);
}
