/*
 * An address's host name, from the host's reverse lookup (wasock's import
 * wasock_addr_name): loopback from the hosts table, other addresses only
 * where the network policy lets the guest reach them. Shared by
 * gethostbyaddr() and getnameinfo().
 */
#include <string.h>

#include "internal.h"

int __wasock_host_name(const struct sockaddr *sa, socklen_t salen, char *name, size_t len) {
    wasock_addr addr;
    int err = __wasock_addr_from_sockaddr(sa, salen, &addr);
    if (err != 0)
        return err;
    uint32_t full = 0;
    err = __wasock_addr_name(&addr, name, len > 0 ? (uint32_t)len - 1 : 0, &full);
    if (err != 0)
        return err;
    if (len == 0 || full >= len)
        return ERANGE;
    name[full] = '\0';
    return 0;
}
