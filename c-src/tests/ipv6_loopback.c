/*
 * ipv6_loopback.c: an AF_INET6 server and client over ::1 in one process:
 * bind to in6addr_loopback, connect, accept into a sockaddr_storage (whose
 * ss_family says AF_INET6), getsockname/getpeername agreeing on both ends,
 * data both ways, and getaddrinfo's sockaddr used as is.
 */
#include <netdb.h>

#include "common.h"

int main(void) {
    int lfd = socket(AF_INET6, SOCK_STREAM, 0);
    check(lfd >= 0, "socket");
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    sin6.sin6_port = htons(0);
    check(bind(lfd, (struct sockaddr *)&sin6, sizeof sin6) == 0, "bind");
    check(listen(lfd, 5) == 0, "listen");

    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    check(getsockname(lfd, (struct sockaddr *)&ss, &len) == 0, "getsockname");
    printf("listener: family %s len ok %d addr %s port nonzero %d\n",
           ss.ss_family == AF_INET6 ? "AF_INET6" : "other", sa_len_ok((struct sockaddr *)&ss, len),
           addr_text((struct sockaddr *)&ss), port_of((struct sockaddr *)&ss) != 0);
    int port = port_of((struct sockaddr *)&ss);

    /* The client resolves "::1" and uses the result unchanged. */
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    check(getaddrinfo("::1", service, &hints, &res) == 0, "getaddrinfo");
    int cfd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    check(cfd >= 0, "socket");
    check(connect(cfd, res->ai_addr, res->ai_addrlen) == 0, "connect");
    freeaddrinfo(res);

    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    int afd = accept(lfd, (struct sockaddr *)&peer, &plen);
    check(afd >= 0, "accept");
    printf("accepted: family %s len ok %d addr %s\n", peer.ss_family == AF_INET6 ? "AF_INET6" : "other",
           sa_len_ok((struct sockaddr *)&peer, plen), addr_text((struct sockaddr *)&peer));

    struct sockaddr_storage cl;
    socklen_t clen = sizeof cl;
    check(getsockname(cfd, (struct sockaddr *)&cl, &clen) == 0, "getsockname");
    printf("client local %s, same port as the server saw: %d\n", addr_text((struct sockaddr *)&cl),
           port_of((struct sockaddr *)&cl) == port_of((struct sockaddr *)&peer));
    struct sockaddr_in6 cp;
    socklen_t cplen = sizeof cp;
    check(getpeername(cfd, (struct sockaddr *)&cp, &cplen) == 0, "getpeername");
    printf("client peer %s port matches listener: %d, loopback: %d\n", addr_text((struct sockaddr *)&cp),
           ntohs(cp.sin6_port) == port, memcmp(&cp.sin6_addr, &in6addr_loopback, 16) == 0);

    write_all(cfd, "over ipv6", 9);
    char buf[32];
    size_t n = read_full(afd, buf, 9);
    printf("server read: %.*s\n", (int)n, buf);
    write_all(afd, "ack", 3);
    n = read_full(cfd, buf, 3);
    printf("client read: %.*s\n", (int)n, buf);

    /* An IPv6 UDP exchange over ::1 as well. */
    int u1 = socket(AF_INET6, SOCK_DGRAM, 0);
    int u2 = socket(AF_INET6, SOCK_DGRAM, 0);
    check(u1 >= 0 && u2 >= 0, "socket dgram");
    sin6.sin6_port = 0;
    check(bind(u1, (struct sockaddr *)&sin6, sizeof sin6) == 0, "bind dgram");
    sin6.sin6_port = htons(local_port(u1));
    check(sendto(u2, "dgram6", 6, 0, (struct sockaddr *)&sin6, sizeof sin6) == 6, "sendto");
    struct sockaddr_storage from;
    socklen_t flen = sizeof from;
    ssize_t got = recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("udp6 recvfrom: %zd %.*s from %s len ok %d\n", got, got > 0 ? (int)got : 0, buf,
           addr_text((struct sockaddr *)&from), sa_len_ok((struct sockaddr *)&from, flen));

    close(u1);
    close(u2);
    close(afd);
    close(cfd);
    close(lfd);
    return 0;
}
