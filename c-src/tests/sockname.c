/*
 * sockname.c: getsockname() and getpeername() through a socket's life:
 * 0.0.0.0:0 before bind, the bound address after, a kernel-chosen port for
 * port 0; the two ends of a connection agree on each other's addresses;
 * a short address buffer is filled partially and the full length reported.
 */
#include "common.h"

static void show_local(const char *label, int fd) {
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    memset(&sin, 0xff, sizeof sin);
    int rc = getsockname(fd, (struct sockaddr *)&sin, &len);
    printf("%s: rc=%d len=%d family=%s addr=%s port=%s\n", label, rc, (int)len,
           sin.sin_family == AF_INET ? "AF_INET" : "other", addr_text((struct sockaddr *)&sin),
           ntohs(sin.sin_port) == 0 ? "0" : "nonzero");
}

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    show_local("fresh socket", fd);
    struct sockaddr_in any;
    memset(&any, 0, sizeof any);
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    any.sin_port = 0;
    check(bind(fd, (struct sockaddr *)&any, sizeof any) == 0, "bind");
    show_local("bound to INADDR_ANY:0", fd);
    check(listen(fd, 5) == 0, "listen");
    show_local("listening", fd);
    int port = local_port(fd);

    int client = connect_loopback(port);
    show_local("client after connect", client);
    struct sockaddr_in peer_seen;
    socklen_t plen = sizeof peer_seen;
    int server = accept(fd, (struct sockaddr *)&peer_seen, &plen);
    check(server >= 0, "accept");
    show_local("accepted socket", server);

    struct sockaddr_in a, b;
    socklen_t alen = sizeof a, blen = sizeof b;
    getsockname(client, (struct sockaddr *)&a, &alen);
    getpeername(server, (struct sockaddr *)&b, &blen);
    printf("client's local == server's peer == accept's address: %d %d\n",
           a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr,
           a.sin_port == peer_seen.sin_port && a.sin_addr.s_addr == peer_seen.sin_addr.s_addr);
    alen = sizeof a;
    blen = sizeof b;
    getpeername(client, (struct sockaddr *)&a, &alen);
    getsockname(server, (struct sockaddr *)&b, &blen);
    printf("client's peer == server's local: %d, port is the listener's: %d\n",
           a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr, ntohs(a.sin_port) == port);

    /* A 4-byte buffer: family and port only; the length says 16. */
    unsigned char small[4];
    socklen_t slen = sizeof small;
    getsockname(client, (struct sockaddr *)small, &slen);
    printf("short buffer: len reported %d\n", (int)slen);

    /* accept with a NULL address, then with a too-small length. */
    int c2 = connect_loopback(port);
    int s2 = accept(fd, NULL, NULL);
    printf("accept(NULL, NULL) ok: %d\n", s2 >= 0);
    int c3 = connect_loopback(port);
    plen = 2;
    int s3 = accept(fd, (struct sockaddr *)&peer_seen, &plen);
    printf("accept with addrlen 2: ok %d, len reported %d\n", s3 >= 0, (int)plen);

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    show_local("fresh UDP socket", udp);
    struct sockaddr_in dst = loopback4(port);
    sendto(udp, "x", 1, 0, (struct sockaddr *)&dst, sizeof dst);
    show_local("UDP socket after sendto (implicit bind)", udp);

    int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 s6;
    socklen_t l6 = sizeof s6;
    getsockname(fd6, (struct sockaddr *)&s6, &l6);
    printf("fresh AF_INET6 socket: len ok %d addr=%s port=%d\n", sa_len_ok((struct sockaddr *)&s6, l6),
           addr_text((struct sockaddr *)&s6), ntohs(s6.sin6_port));

    close(fd6);
    close(udp);
    close(c2);
    close(s2);
    close(c3);
    close(s3);
    close(client);
    close(server);
    close(fd);
    return 0;
}
