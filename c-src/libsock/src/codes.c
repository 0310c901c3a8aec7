/* Translation of wasi-libc's constants to the ABI's codes, which follow
 * WAMR's lib-socket and so differ from AF_* / SOCK_* / MSG_*. */
#include <sys/socket.h>

#include "internal.h"

int __wasock_family_to_abi(int af) {
    switch (af) {
    case AF_INET:
        return WASOCK_FAMILY_INET4;
    case AF_INET6:
        return WASOCK_FAMILY_INET6;
    default:
        return -1;
    }
}

uint32_t __wasock_riflags(int msg_flags) {
    uint32_t riflags = 0;
    if (msg_flags & MSG_PEEK)
        riflags |= WASOCK_RIFLAGS_PEEK;
    if (msg_flags & MSG_WAITALL)
        riflags |= WASOCK_RIFLAGS_WAITALL;
    return riflags;
}
