/*
 * bind(): sockaddr -> ABI addr -> sock_bind.
 *
 * WAMR's iwasm sets SO_LINGER {on, 0} on every socket it binds (and accepted
 * sockets inherit it from the listener), so a server's close() resets its
 * client instead of ending the connection with FIN. A host that does that
 * reports it through sock_get_linger; when the value after the bind differs
 * from the value before it, libsock puts the program's own value back.
 * wasock's host never changes linger at bind, so there this costs two
 * option reads and changes nothing.
 */
#include "internal.h"

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    wasock_addr a;
    int err = __wasock_addr_from_sockaddr(addr, len, &a);
    if (err != 0)
        return __wasock_fail(err);
    uint8_t on_before = 0;
    int32_t secs_before = 0;
    int known = __wasock_sock_get_linger(fd, &on_before, &secs_before) == 0;
    err = __wasock_sock_bind(fd, &a);
    if (err != 0)
        return __wasock_fail(err);
    uint8_t on_after = 0;
    int32_t secs_after = 0;
    if (known && __wasock_sock_get_linger(fd, &on_after, &secs_after) == 0 &&
        (on_after != on_before || secs_after != secs_before))
        __wasock_sock_set_linger(fd, on_before, secs_before);
    return 0;
}
