/* socket(): validates the POSIX arguments, translates them to the ABI's
 * codes and opens the socket through sock_open. */
#include <netinet/in.h>
#include <wasi/api.h>

#include "internal.h"

int socket(int domain, int type, int protocol) {
    int family = __wasock_family_to_abi(domain);
    if (family < 0)
        return __wasock_fail(EAFNOSUPPORT);

    int extra = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    int socktype;
    if (base == SOCK_STREAM) {
        socktype = WASOCK_SOCKTYPE_STREAM;
        if (protocol != 0 && protocol != IPPROTO_TCP)
            return __wasock_fail(EPROTONOSUPPORT);
    } else if (base == SOCK_DGRAM) {
        socktype = WASOCK_SOCKTYPE_DGRAM;
        if (protocol != 0 && protocol != IPPROTO_UDP)
            return __wasock_fail(EPROTONOSUPPORT);
    } else {
        return __wasock_fail(EINVAL); /* as Linux answers an unknown type */
    }

    uint32_t fd;
    int err = __wasock_sock_open(-1, family, socktype, &fd);
    if (err != 0)
        return __wasock_fail(err);

    /* sock_open has no flags argument; SOCK_NONBLOCK becomes the fd flag.
     * SOCK_CLOEXEC means nothing without exec, so it is accepted and dropped. */
    if (extra & SOCK_NONBLOCK) {
        err = __wasi_fd_fdstat_set_flags((int)fd, WASOCK_FDFLAGS_NONBLOCK);
        if (err != 0) {
            (void)__wasi_fd_close((int)fd);
            return __wasock_fail(err);
        }
    }
    return (int)fd;
}
