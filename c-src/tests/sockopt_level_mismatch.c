/*
 * sockopt_level_mismatch.c: options asked of the wrong kind of socket, as
 * Linux answers them: IPV6_V6ONLY on an IPv4 socket (set: ENOPROTOOPT,
 * get: EOPNOTSUPP), TCP_NODELAY on a UDP socket (the same), while IP_TTL
 * is valid on an IPv6 socket.
 */
#include <netinet/tcp.h>

#include "common.h"

int main(void) {
    int v = 1;
    socklen_t len = sizeof v;
    int tcp4 = socket(AF_INET, SOCK_STREAM, 0);
    int udp4 = socket(AF_INET, SOCK_DGRAM, 0);
    int tcp6 = socket(AF_INET6, SOCK_STREAM, 0);
    check(tcp4 >= 0 && udp4 >= 0 && tcp6 >= 0, "socket");

    report("setsockopt IPV6_V6ONLY on AF_INET TCP", setsockopt(tcp4, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
    len = sizeof v;
    report("getsockopt IPV6_V6ONLY on AF_INET TCP", getsockopt(tcp4, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len));
    len = sizeof v;
    report("getsockopt IPV6_V6ONLY on AF_INET UDP", getsockopt(udp4, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len));
    v = 1;
    report("setsockopt TCP_NODELAY on UDP", setsockopt(udp4, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v));
    len = sizeof v;
    report("getsockopt TCP_NODELAY on UDP", getsockopt(udp4, IPPROTO_TCP, TCP_NODELAY, &v, &len));
    v = -1;
    len = sizeof v;
    int rc = getsockopt(tcp6, IPPROTO_IP, IP_TTL, &v, &len);
    printf("getsockopt IP_TTL on AF_INET6 TCP: %d value %d\n", rc, v);
    close(tcp4);
    close(udp4);
    close(tcp6);
    return 0;
}
