/*
 * The one place where sockaddr_in / sockaddr_in6 meet the ABI's addr. The two
 * differ in byte order: sockaddr keeps port and IPv6 groups in network order,
 * the ABI keeps them in host order (IPv4 octets are network order in both).
 */
#include <string.h>
#include <netinet/in.h>

#include "internal.h"

int __wasock_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, wasock_addr *out) {
    if (sa == NULL)
        return EFAULT;
    if (len < (socklen_t)sizeof(sa_family_t))
        return EINVAL;
    memset(out, 0, sizeof *out);
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in sin;
        if (len < (socklen_t)sizeof sin)
            return EINVAL;
        memcpy(&sin, sa, sizeof sin);
        out->kind = WASOCK_ADDR_KIND_IP4;
        memcpy(out->u.ip4.octets, &sin.sin_addr.s_addr, 4);
        out->u.ip4.port = ntohs(sin.sin_port);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 sin6;
        if (len < (socklen_t)sizeof sin6)
            return EINVAL;
        memcpy(&sin6, sa, sizeof sin6);
        out->kind = WASOCK_ADDR_KIND_IP6;
        for (int i = 0; i < 8; i++)
            out->u.ip6.groups[i] =
                (uint16_t)(sin6.sin6_addr.s6_addr[2 * i] << 8 | sin6.sin6_addr.s6_addr[2 * i + 1]);
        out->u.ip6.port = ntohs(sin6.sin6_port);
        return 0;
    }
    return EAFNOSUPPORT;
}

/* Copies `size` bytes of `full` into the caller's buffer as POSIX asks:
 * truncated to what the caller has room for, the real size reported. */
static void store(const void *full, socklen_t size, struct sockaddr *sa, socklen_t *len) {
    if (sa != NULL) {
        socklen_t room = *len < size ? *len : size;
        memcpy(sa, full, room);
    }
    *len = size;
}

int __wasock_addr_to_sockaddr(const wasock_addr *in, struct sockaddr *sa, socklen_t *len) {
    if (len == NULL)
        return EFAULT;
    if (in->kind == WASOCK_ADDR_KIND_IP4) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(in->u.ip4.port);
        memcpy(&sin.sin_addr.s_addr, in->u.ip4.octets, 4);
        store(&sin, sizeof sin, sa, len);
        return 0;
    }
    if (in->kind == WASOCK_ADDR_KIND_IP6) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(in->u.ip6.port);
        for (int i = 0; i < 8; i++) {
            sin6.sin6_addr.s6_addr[2 * i] = (uint8_t)(in->u.ip6.groups[i] >> 8);
            sin6.sin6_addr.s6_addr[2 * i + 1] = (uint8_t)(in->u.ip6.groups[i] & 0xff);
        }
        store(&sin6, sizeof sin6, sa, len);
        return 0;
    }
    /* The host wrote a kind we do not know: a host bug, not the caller's. */
    return EIO;
}
