/*
 * wasm_multicast_policy.c: multicast group membership under the host's
 * network policy. Joins 239.255.0.1 on the loopback interface twice, leaves
 * it twice, tries an interface address no interface has, and (with argument "send", only where the policy refuses it)
 * sends one datagram to the group. Loopback devices send no IGMP, and the
 * send is only tried when it is refused, so no multicast traffic leaves
 * the program. Tested in test/multicast.test.ts.
 */
#include "common.h"

static void membership_on(int fd, int name, const char *what, const char *iface) {
    struct ip_mreq m;
    inet_pton(AF_INET, "239.255.0.1", &m.imr_multiaddr);
    inet_pton(AF_INET, iface, &m.imr_interface);
    report(what, setsockopt(fd, IPPROTO_IP, name, &m, sizeof m));
}

static void membership(int fd, int name, const char *what) { membership_on(fd, name, what, "127.0.0.1"); }

int main(int argc, char *argv[]) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(0);
    check(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    membership(fd, IP_ADD_MEMBERSHIP, "join 239.255.0.1");
    membership(fd, IP_ADD_MEMBERSHIP, "join 239.255.0.1 again");
    membership(fd, IP_DROP_MEMBERSHIP, "leave 239.255.0.1");
    membership(fd, IP_DROP_MEMBERSHIP, "leave 239.255.0.1 again");
    /* No interface has this address: the kernel itself refuses the join. */
    membership_on(fd, IP_ADD_MEMBERSHIP, "join 239.255.0.1 on 0.0.0.1", "0.0.0.1");
    if (argc > 1 && strcmp(argv[1], "send") == 0) {
        struct sockaddr_in group;
        memset(&group, 0, sizeof group);
        group.sin_family = AF_INET;
        group.sin_port = htons(9);
        inet_pton(AF_INET, "239.255.0.1", &group.sin_addr);
        report("sendto 239.255.0.1:9", sendto(fd, "x", 1, 0, (struct sockaddr *)&group, sizeof group));
    }
    close(fd);
    return 0;
}
