/*
 * udp_connected.c: a connected UDP socket: send()/recv() and write()/read()
 * with no address, getpeername() naming the peer, datagrams from any other
 * sender filtered out; an unconnected UDP send() without an address is
 * EDESTADDRREQ.
 */
#include "common.h"

static int udp_bound(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(0);
    check(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    return fd;
}

int main(void) {
    int a = udp_bound();
    int b = udp_bound();
    int stranger = udp_bound();
    char buf[64];

    report("send on unconnected UDP", send(a, "x", 1, 0));
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    report("getpeername on unconnected UDP", getpeername(a, (struct sockaddr *)&peer, &len));

    struct sockaddr_in to_b = loopback4(local_port(b));
    struct sockaddr_in to_a = loopback4(local_port(a));
    report("connect a -> b", connect(a, (struct sockaddr *)&to_b, sizeof to_b));
    report("connect b -> a", connect(b, (struct sockaddr *)&to_a, sizeof to_a));
    len = sizeof peer;
    check(getpeername(a, (struct sockaddr *)&peer, &len) == 0, "getpeername");
    printf("a's peer: %s, is b's port: %d\n", addr_text((struct sockaddr *)&peer),
           ntohs(peer.sin_port) == local_port(b));

    /* The stranger's datagram to a is dropped: a only hears from b. */
    sendto(stranger, "from stranger", 13, 0, (struct sockaddr *)&to_a, sizeof to_a);
    report("send a -> b", send(a, "one", 3, 0));
    report("write b -> a", write(b, "two", 3));
    ssize_t n = recv(b, buf, sizeof buf, 0);
    printf("b recv: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
    n = read(a, buf, sizeof buf);
    printf("a read: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
    report("a recv MSG_DONTWAIT (stranger filtered)", recv(a, buf, sizeof buf, MSG_DONTWAIT));

    /* sendto with the peer's address on a connected socket is allowed. */
    report("sendto b's address on connected a", sendto(a, "three", 5, 0, (struct sockaddr *)&to_b, sizeof to_b));
    n = recv(b, buf, sizeof buf, 0);
    printf("b recv: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);

    /* Empty datagrams exist: recv returns 0 for one, not EOF. */
    report("send empty datagram", send(a, "", 0, 0));
    report("recv empty datagram", recv(b, buf, sizeof buf, 0));

    close(a);
    close(b);
    close(stranger);
    return 0;
}
