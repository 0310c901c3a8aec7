/*
 * sockopt_flags.c: the boolean socket options read back what was set
 * (SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST, TCP_NODELAY),
 * with Linux's defaults before; SO_TYPE tells stream from datagram; an
 * option that does not exist is ENOPROTOOPT.
 */
#include <netinet/tcp.h>

#include "common.h"

static void flag(int fd, int level, int name, const char *label) {
    int v = -1;
    socklen_t len = sizeof v;
    int rc = getsockopt(fd, level, name, &v, &len);
    if (rc < 0) {
        printf("  %s: get -1 %s\n", label, errname(errno));
        return;
    }
    printf("  %s: default %d", label, v != 0);
    int on = 1;
    rc = setsockopt(fd, level, name, &on, sizeof on);
    len = sizeof v;
    getsockopt(fd, level, name, &v, &len);
    printf(", set 1 -> %d %s, reads %d (len %d)", rc, rc < 0 ? errname(errno) : "", v != 0, (int)len);
    int off = 0;
    setsockopt(fd, level, name, &off, sizeof off);
    len = sizeof v;
    getsockopt(fd, level, name, &v, &len);
    printf(", set 0 reads %d\n", v != 0);
}

int main(void) {
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    check(tcp >= 0 && udp >= 0, "socket");

    printf("TCP socket:\n");
    flag(tcp, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
    flag(tcp, SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT");
    flag(tcp, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
    flag(tcp, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY");
    printf("UDP socket:\n");
    flag(udp, SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST");
    flag(udp, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");

    int type = -1;
    socklen_t len = sizeof type;
    getsockopt(tcp, SOL_SOCKET, SO_TYPE, &type, &len);
    printf("SO_TYPE tcp: %s\n", type == SOCK_STREAM ? "SOCK_STREAM" : "other");
    len = sizeof type;
    getsockopt(udp, SOL_SOCKET, SO_TYPE, &type, &len);
    printf("SO_TYPE udp: %s\n", type == SOCK_DGRAM ? "SOCK_DGRAM" : "other");
    int two = 2;
    report("setsockopt SO_TYPE (read-only)", setsockopt(tcp, SOL_SOCKET, SO_TYPE, &two, sizeof two));

    /* Options on a connected pair keep their values, and the pair still works. */
    int client, server;
    tcp_pair(&client, &server);
    int on = 1;
    report("TCP_NODELAY on connected socket", setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on));
    report("SO_KEEPALIVE on connected socket", setsockopt(server, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on));
    write_all(client, "x", 1);
    char c;
    printf("data after setting options: %zu\n", read_full(server, &c, 1));

    int v;
    len = sizeof v;
    report("getsockopt(SOL_SOCKET, 9999)", getsockopt(tcp, SOL_SOCKET, 9999, &v, &len));
    report("setsockopt(SOL_SOCKET, 9999)", setsockopt(tcp, SOL_SOCKET, 9999, &on, sizeof on));
    report("setsockopt(IPPROTO_TCP, 9999)", setsockopt(tcp, IPPROTO_TCP, 9999, &on, sizeof on));
    report("setsockopt(level 9999, SO_REUSEADDR)", setsockopt(tcp, 9999, SO_REUSEADDR, &on, sizeof on));
    report("setsockopt SO_REUSEADDR with optlen 1", setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &on, 1));

    close(client);
    close(server);
    close(tcp);
    close(udp);
    return 0;
}
