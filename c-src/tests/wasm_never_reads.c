/*
 * wasm_never_reads.c: a guest that lets its peers flood it. It listens on
 * TCP and binds UDP at 127.0.0.1:PORT, accepts one connection, prints
 * "accepted", then reads nothing from the network until a line arrives on
 * stdin. Then it drains: the TCP connection until EOF (counting bytes) and
 * whatever datagrams are queued. test/host-limits.test.ts floods it and
 * watches the host's memory meanwhile.
 * Usage: wasm_never_reads PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd, ufd;
    listen_tcp_udp(port, &lfd, &ufd);
    printf("ready\n");
    fflush(stdout);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    printf("accepted\n");
    fflush(stdout);

    char line[64];
    if (fgets(line, sizeof line, stdin) == NULL)
        return 1;

    static char buf[65536];
    long long total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        check(n >= 0, "read");
        if (n == 0)
            break;
        total += n;
    }
    printf("tcp bytes %lld\n", total);
    long datagrams = 0;
    for (long i = 0; i < 10000000L; i++) {
        ssize_t n = recv(ufd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0)
            break;
        datagrams++;
    }
    printf("udp datagrams %ld\n", datagrams);
    return 0;
}
