/*
 * sockopt_multicast.c: IP_MULTICAST_TTL (default 1, 0..255, -1 restores the
 * default, a one-byte value accepted, refused on TCP), IP_MULTICAST_LOOP
 * (default 1, any value read back as 0/1, one byte accepted),
 * IPV6_MULTICAST_LOOP (IPv6 sockets only, 0 or 1), and the errors of
 * IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP that need no multicast route: not a
 * group, a short optlen, leaving a group not joined, a TCP socket, reading
 * the option. No group is joined and nothing is sent (joins are under the
 * network policy: test/multicast.test.ts).
 */
#include "common.h"

static void get(int fd, int level, int name, const char *what) {
    int v = -1;
    socklen_t len = sizeof v;
    int r = getsockopt(fd, level, name, &v, &len);
    if (r < 0)
        printf("get %s: -1 %s\n", what, errname(errno));
    else
        printf("get %s: %d\n", what, v);
}

static void set(int fd, int level, int name, const char *what, int v) {
    char label[80];
    snprintf(label, sizeof label, "set %s %d", what, v);
    report(label, setsockopt(fd, level, name, &v, sizeof v));
}

static void set_byte(int fd, int level, int name, const char *what, unsigned char v) {
    char label[80];
    snprintf(label, sizeof label, "set %s (one byte) %d", what, v);
    report(label, setsockopt(fd, level, name, &v, 1));
}

static void membership(int fd, int name, const char *group, const char *iface, socklen_t len) {
    unsigned char mreq[12];
    memset(mreq, 0, sizeof mreq);
    struct in_addr g, i;
    inet_pton(AF_INET, group, &g);
    inet_pton(AF_INET, iface, &i);
    memcpy(mreq, &g, 4);
    memcpy(mreq + 4, &i, 4);
    char label[96];
    snprintf(label, sizeof label, "%s %s on %s (optlen %d)", name == IP_ADD_MEMBERSHIP ? "join" : "leave", group, iface,
             (int)len);
    report(label, setsockopt(fd, IPPROTO_IP, name, mreq, len));
}

static void v4_options(int fd, const char *kind) {
    printf("-- %s\n", kind);
    get(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
    set(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL", 5);
    get(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
    set(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL", 256);
    set(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL", -2);
    set(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL", -1);
    get(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
    set_byte(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL", 7);
    get(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
    unsigned char b = 99;
    socklen_t len = 1;
    int r = getsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &b, &len);
    printf("get IP_MULTICAST_TTL into one byte: %d, %d (len %d)\n", r, b, (int)len);

    get(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
    set(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP", 0);
    get(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
    set(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP", 7);
    get(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
    set_byte(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP", 0);
    get(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
    report("set IP_MULTICAST_LOOP with optlen 0", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &b, 0));

    get(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP");
    set(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP", 0);

    membership(fd, IP_ADD_MEMBERSHIP, "127.0.0.1", "127.0.0.1", 8);
    membership(fd, IP_ADD_MEMBERSHIP, "239.255.0.1", "127.0.0.1", 4);
    membership(fd, IP_DROP_MEMBERSHIP, "239.255.0.1", "127.0.0.1", 8);
    membership(fd, IP_DROP_MEMBERSHIP, "239.255.0.1", "0.0.0.0", 8);
    membership(fd, IP_DROP_MEMBERSHIP, "127.0.0.1", "127.0.0.1", 8);
    membership(fd, IP_DROP_MEMBERSHIP, "239.255.0.1", "127.0.0.1", 12);
    get(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, "IP_ADD_MEMBERSHIP");
}

static void v6_options(int fd, const char *kind) {
    printf("-- %s\n", kind);
    get(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP");
    set(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP", 0);
    get(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP");
    set(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP", 2);
    set(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP", 1);
    get(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP");
    short tiny = 0;
    report("set IPV6_MULTICAST_LOOP with a 2-byte optlen", setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &tiny, sizeof tiny));
    /* The IPv4 options apply to an IPv6 socket too (for mapped traffic). */
    get(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
    set(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP", 0);
    get(fd, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
    get(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP (unchanged)");
    get(fd, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
}

int main(void) {
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    int udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
    int tcp6 = socket(AF_INET6, SOCK_STREAM, 0);
    check(udp >= 0 && tcp >= 0 && udp6 >= 0 && tcp6 >= 0, "socket");
    v4_options(udp, "UDP over IPv4");
    v4_options(tcp, "TCP over IPv4");
    v6_options(udp6, "UDP over IPv6");
    v6_options(tcp6, "TCP over IPv6");
    int one = 1;
    report("set IP_MULTICAST_TTL on a bad fd", setsockopt(9999, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof one));
    close(udp);
    close(tcp);
    close(udp6);
    close(tcp6);
    return 0;
}
