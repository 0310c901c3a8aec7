/*
 * msg_peek.c: MSG_PEEK returns queued data without consuming it; the next
 * ordinary recv() gets the same bytes. A smaller peek sees a prefix.
 * Works on UDP too: the datagram stays queued, source address included.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    char buf[64];

    write_all(client, "hello, peek", 11);
    /* Wait until the data is there, so the peeks below see all of it. */
    struct pollfd p = {server, POLLIN, 0};
    poll(&p, 1, 5000);

    ssize_t n = recv(server, buf, 5, MSG_PEEK);
    printf("peek 5: %zd %.*s\n", n, (int)n, buf);
    n = recv(server, buf, sizeof buf, MSG_PEEK);
    printf("peek all: %zd %.*s\n", n, (int)n, buf);
    n = recv(server, buf, sizeof buf, MSG_PEEK);
    printf("peek again: %zd %.*s\n", n, (int)n, buf);
    n = recv(server, buf, 7, 0);
    printf("recv 7: %zd %.*s\n", n, (int)n, buf);
    n = recv(server, buf, sizeof buf, MSG_PEEK);
    printf("peek rest: %zd %.*s\n", n, (int)n, buf);
    n = recv(server, buf, sizeof buf, 0);
    printf("recv rest: %zd %.*s\n", n, (int)n, buf);

    close(client);
    n = recv(server, buf, sizeof buf, MSG_PEEK);
    printf("peek at EOF: %zd\n", n);
    close(server);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0);
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = loopback4(0);
    check(bind(u1, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    sin.sin_port = htons(local_port(u1));
    sendto(u2, "first", 5, 0, (struct sockaddr *)&sin, sizeof sin);
    sendto(u2, "second", 6, 0, (struct sockaddr *)&sin, sizeof sin);
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    n = recvfrom(u1, buf, sizeof buf, MSG_PEEK, (struct sockaddr *)&from, &flen);
    printf("udp peek: %zd %.*s from %s, sender port matches: %d\n", n, (int)n, buf,
           addr_text((struct sockaddr *)&from), ntohs(from.sin_port) == local_port(u2));
    n = recv(u1, buf, sizeof buf, 0);
    printf("udp recv: %zd %.*s\n", n, (int)n, buf);
    n = recv(u1, buf, sizeof buf, 0);
    printf("udp recv: %zd %.*s\n", n, (int)n, buf);
    close(u1);
    close(u2);
    return 0;
}
