/*
 * sockopt_tcp_keepalive.c: TCP_KEEPIDLE and TCP_KEEPINTVL: Linux's defaults
 * (7200 s, 75 s), values read back, the range 1..32767, and the answers on
 * a UDP socket (ENOPROTOOPT to set, EOPNOTSUPP to get). Then keep-alive with
 * an idle time on a live connection, which must keep working.
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
        printf("get %s: %d (len %d)\n", what, v, (int)len);
}

static void set(int fd, int name, const char *what, int v) {
    char label[64];
    snprintf(label, sizeof label, "set %s %d", what, v);
    report(label, setsockopt(fd, IPPROTO_TCP, name, &v, sizeof v));
}

static void both(int fd, int name, const char *what) {
    get(fd, name, what);
    set(fd, name, what, 30);
    get(fd, name, what);
    set(fd, name, what, 0);
    set(fd, name, what, -5);
    set(fd, name, what, 32767);
    get(fd, name, what);
    set(fd, name, what, 32768);
    get(fd, name, what);
    short tiny = 10;
    report("set with a 2-byte optlen", setsockopt(fd, IPPROTO_TCP, name, &tiny, sizeof tiny));
}

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    both(fd, TCP_KEEPIDLE, "TCP_KEEPIDLE");
    both(fd, TCP_KEEPINTVL, "TCP_KEEPINTVL");

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    check(udp >= 0, "socket udp");
    printf("-- on a UDP socket\n");
    get(udp, TCP_KEEPIDLE, "TCP_KEEPIDLE");
    set(udp, TCP_KEEPIDLE, "TCP_KEEPIDLE", 30);
    get(udp, TCP_KEEPINTVL, "TCP_KEEPINTVL");
    set(udp, TCP_KEEPINTVL, "TCP_KEEPINTVL", 30);
    close(udp);
    int bad = 12345;
    report("set TCP_KEEPIDLE on a bad fd", setsockopt(9999, IPPROTO_TCP, TCP_KEEPIDLE, &bad, sizeof bad));

    /* Keep-alive with a short idle time on a real connection: it is still
     * usable and its options read back. */
    printf("-- on a connection\n");
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = loopback4(0);
    check(bind(listener, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    check(listen(listener, 1) == 0, "listen");
    sin.sin_port = htons(local_port(listener));
    int on = 1, idle = 5;
    check(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0, "KEEPIDLE");
    check(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == 0, "SO_KEEPALIVE");
    check(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "connect");
    int peer = accept(listener, NULL, NULL);
    check(peer >= 0, "accept");
    get(fd, TCP_KEEPIDLE, "TCP_KEEPIDLE after connect");
    set(fd, TCP_KEEPIDLE, "TCP_KEEPIDLE connected", 9);
    get(fd, TCP_KEEPIDLE, "TCP_KEEPIDLE");
    get(peer, TCP_KEEPIDLE, "accepted TCP_KEEPIDLE");
    check(write(fd, "ping", 4) == 4, "write");
    char buf[8] = {0};
    check(read(peer, buf, sizeof buf) == 4, "read");
    printf("peer read: %s\n", buf);
    close(peer);
    close(fd);
    close(listener);
    return 0;
}
