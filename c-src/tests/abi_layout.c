/*
 * abi_layout.c: prints, as one line of JSON, the ABI layouts and constants as
 * the C compiler sees them in libsock's private header. A host test compares
 * this with the TypeScript side's table, so the two halves of the ABI cannot
 * drift apart silently. wasm-only: the layouts that matter are wasm32's.
 */
#include <stddef.h>
#include <stdio.h>

#include "wasock_abi.h"

int main(void) {
    printf("{\"addr\":{\"size\":%zu,\"align\":%zu,\"kind\":%zu,\"ip4\":%zu,\"ip4_port\":%zu,"
           "\"ip6\":%zu,\"ip6_port\":%zu},",
           sizeof(wasock_addr), _Alignof(wasock_addr), offsetof(wasock_addr, kind),
           offsetof(wasock_addr, u.ip4.octets), offsetof(wasock_addr, u.ip4.port),
           offsetof(wasock_addr, u.ip6.groups), offsetof(wasock_addr, u.ip6.port));
    printf("\"addr_info\":{\"size\":%zu,\"addr\":%zu,\"type\":%zu},", sizeof(wasock_addr_info),
           offsetof(wasock_addr_info, addr), offsetof(wasock_addr_info, socktype));
    printf("\"hints\":{\"size\":%zu,\"type\":%zu,\"family\":%zu,\"enabled\":%zu},",
           sizeof(wasock_addr_hints), offsetof(wasock_addr_hints, socktype),
           offsetof(wasock_addr_hints, family), offsetof(wasock_addr_hints, enabled));
    printf("\"iovec\":{\"size\":%zu,\"buf\":%zu,\"len\":%zu},", sizeof(wasock_iovec),
           offsetof(wasock_iovec, buf), offsetof(wasock_iovec, len));
    printf("\"ip_record\":{\"size\":%zu,\"kind\":%zu,\"ip4\":%zu,\"ip6\":%zu,\"multicast_loop_ipv6\":%d},",
           sizeof(wasock_ip), offsetof(wasock_ip, kind), offsetof(wasock_ip, u.octets), offsetof(wasock_ip, u.groups),
           WASOCK_MULTICAST_LOOP_IPV6);
    printf("\"epoll_event\":{\"size\":%zu,\"events\":%zu,\"data\":%zu,"
           "\"ctl_add\":%d,\"ctl_del\":%d,\"ctl_mod\":%d,\"in\":%u,\"out\":%u,\"rdhup\":%u,"
           "\"oneshot\":%u,\"et\":%u},",
           sizeof(wasock_epoll_event), offsetof(wasock_epoll_event, events), offsetof(wasock_epoll_event, data),
           WASOCK_EPOLL_CTL_ADD, WASOCK_EPOLL_CTL_DEL, WASOCK_EPOLL_CTL_MOD, (unsigned)WASOCK_EPOLLIN,
           (unsigned)WASOCK_EPOLLOUT, (unsigned)WASOCK_EPOLLRDHUP, (unsigned)WASOCK_EPOLLONESHOT,
           (unsigned)WASOCK_EPOLLET);
    printf("\"consts\":{"
           "\"addr_kind_ip4\":%d,\"addr_kind_ip6\":%d,"
           "\"socktype_dgram\":%d,\"socktype_stream\":%d,\"socktype_any\":%d,"
           "\"family_inet4\":%d,\"family_inet6\":%d,\"family_unspec\":%d,"
           "\"fdflags_nonblock\":%d,\"riflags_peek\":%d,\"riflags_waitall\":%d,"
           "\"roflags_data_truncated\":%d,\"sdflags_rd\":%d,\"sdflags_wr\":%d,"
           "\"filetype_socket_dgram\":%d,\"filetype_socket_stream\":%d}}\n",
           WASOCK_ADDR_KIND_IP4, WASOCK_ADDR_KIND_IP6, WASOCK_SOCKTYPE_DGRAM,
           WASOCK_SOCKTYPE_STREAM, WASOCK_SOCKTYPE_ANY, WASOCK_FAMILY_INET4, WASOCK_FAMILY_INET6,
           WASOCK_FAMILY_UNSPEC, WASOCK_FDFLAGS_NONBLOCK, WASOCK_RIFLAGS_PEEK,
           WASOCK_RIFLAGS_WAITALL, WASOCK_ROFLAGS_DATA_TRUNCATED, WASOCK_SDFLAGS_RD,
           WASOCK_SDFLAGS_WR, WASOCK_FILETYPE_SOCKET_DGRAM, WASOCK_FILETYPE_SOCKET_STREAM);
    return 0;
}
