/*
 * sockopt_tcp_flags.c: TCP_FASTOPEN_CONNECT (0 or 1, only before connect or
 * listen) and TCP_QUICKACK (any value, read back as 0 or 1), on a fresh
 * socket, on a listener, and on a UDP socket.
 */
#include <netinet/tcp.h>

#include "common.h"

static void get(int fd, int name, const char *what) {
    int v = -1;
    socklen_t len = sizeof v;
    int r = getsockopt(fd, IPPROTO_TCP, name, &v, &len);
    if (r < 0)
        printf("get %s: -1 %s\n", what, errname(errno));
    else
        printf("get %s: %d\n", what, v);
}

static void set(int fd, int name, const char *what, int v) {
    char label[64];
    snprintf(label, sizeof label, "set %s %d", what, v);
    report(label, setsockopt(fd, IPPROTO_TCP, name, &v, sizeof v));
}

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    get(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT");
    set(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT", 1);
    get(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT");
    set(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT", 2);
    set(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT", -1);
    set(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT", 0);
    get(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT");

    get(fd, TCP_QUICKACK, "TCP_QUICKACK");
    set(fd, TCP_QUICKACK, "TCP_QUICKACK", 0);
    get(fd, TCP_QUICKACK, "TCP_QUICKACK");
    set(fd, TCP_QUICKACK, "TCP_QUICKACK", 7);
    get(fd, TCP_QUICKACK, "TCP_QUICKACK");
    set(fd, TCP_QUICKACK, "TCP_QUICKACK", -3);
    get(fd, TCP_QUICKACK, "TCP_QUICKACK");

    printf("-- on a listener\n");
    struct sockaddr_in sin = loopback4(0);
    check(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    set(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT after bind", 1);
    get(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT");
    check(listen(fd, 1) == 0, "listen");
    set(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT listening", 0);
    get(fd, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT");

    printf("-- on a UDP socket\n");
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    check(udp >= 0, "socket udp");
    get(udp, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT");
    set(udp, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT", 1);
    get(udp, TCP_QUICKACK, "TCP_QUICKACK");
    set(udp, TCP_QUICKACK, "TCP_QUICKACK", 1);
    close(udp);
    close(fd);
    return 0;
}
