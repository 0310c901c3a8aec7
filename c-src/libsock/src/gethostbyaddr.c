/*
 * gethostbyaddr(): the classic reverse lookup, over the host's (host_name.c).
 * One name, no aliases, the address itself as the only entry of the address
 * list, as a hosts-file answer has it. The result lives in static storage,
 * overwritten by the next call, as POSIX specifies.
 */
#include <netdb.h>
#include <string.h>

#include "internal.h"

static struct hostent result;
static char name[NI_MAXHOST + 1];
static char *aliases[1];
static unsigned char address[16];
static char *addr_list[2];

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t salen;
    if (addr != NULL && type == AF_INET && len == sizeof(struct in_addr)) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, addr, len);
        salen = sizeof *sin;
    } else if (addr != NULL && type == AF_INET6 && len == sizeof(struct in6_addr)) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, addr, len);
        salen = sizeof *sin6;
    } else {
        h_errno = NO_RECOVERY;
        return NULL;
    }
    int err = __wasock_host_name((struct sockaddr *)&ss, salen, name, sizeof name);
    if (err != 0) {
        h_errno = err == EAGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
        return NULL;
    }
    memcpy(address, addr, len);
    addr_list[0] = (char *)address;
    addr_list[1] = NULL;
    aliases[0] = NULL;
    result.h_name = name;
    result.h_aliases = aliases;
    result.h_addrtype = type;
    result.h_length = (int)len;
    result.h_addr_list = addr_list;
    return &result;
}
