/*
 * ipv6_any_v6only.c: an AF_INET6 socket bound to in6addr_any: getsockname
 * reports "::", IPV6_V6ONLY reads back as set (default 0 on Linux), and a
 * client reaches it through ::1. sockaddr_storage round trip: an address
 * copied through a sockaddr_storage connects as well as the original.
 */
#include "common.h"

static int v6only(int fd) {
    int v = -1;
    socklen_t len = sizeof v;
    check(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) == 0, "getsockopt");
    return v;
}

int main(void) {
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    printf("IPV6_V6ONLY default: %d\n", v6only(fd));
    int one = 1;
    report("setsockopt IPV6_V6ONLY 1", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    printf("IPV6_V6ONLY now: %d\n", v6only(fd));
    int zero = 0;
    report("setsockopt IPV6_V6ONLY 0", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero));
    printf("IPV6_V6ONLY now: %d\n", v6only(fd));

    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in6 any;
    memset(&any, 0, sizeof any);
    any.sin6_family = AF_INET6;
    any.sin6_addr = in6addr_any;
    any.sin6_port = 0;
    check(bind(fd, (struct sockaddr *)&any, sizeof any) == 0, "bind");
    check(listen(fd, 5) == 0, "listen");
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    check(getsockname(fd, (struct sockaddr *)&ss, &len) == 0, "getsockname");
    printf("bound to in6addr_any: %s len ok %d\n", addr_text((struct sockaddr *)&ss),
           sa_len_ok((struct sockaddr *)&ss, len));
    int port = port_of((struct sockaddr *)&ss);

    /* Round trip through sockaddr_storage, then connect with it. */
    struct sockaddr_in6 lo;
    memset(&lo, 0, sizeof lo);
    lo.sin6_family = AF_INET6;
    lo.sin6_addr = in6addr_loopback;
    lo.sin6_port = htons(port);
    struct sockaddr_storage copy;
    memset(&copy, 0, sizeof copy);
    memcpy(&copy, &lo, sizeof lo);
    printf("sizeof(sockaddr_storage) >= sizeof(sockaddr_in6): %d\n", sizeof copy >= sizeof lo);
    struct sockaddr_in6 *back = (struct sockaddr_in6 *)&copy;
    printf("storage family AF_INET6: %d, port matches: %d\n", copy.ss_family == AF_INET6,
           ntohs(back->sin6_port) == port);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    report("connect via the storage copy to ::1", connect(c, (struct sockaddr *)&copy, sizeof lo));
    int a = accept(fd, (struct sockaddr *)&ss, &len);
    check(a >= 0, "accept");
    printf("accepted from %s\n", addr_text((struct sockaddr *)&ss));
    close(a);
    close(c);
    close(fd);
    return 0;
}
