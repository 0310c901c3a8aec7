/*
 * reconnect_server.c (with reconnect_client.c): an echo server that serves
 * clients one after another and holds each connection until the client
 * closes it, so every close is the client's first and this side's FIN
 * reaches a client that may already have reused the descriptor for its
 * next connection. It stops after a connection that sends nothing.
 * Usage: reconnect_server PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    static char buf[65536];
    long connections = 0;
    long long echoed = 0;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        check(fd >= 0, "accept");
        connections++;
        long long mine = 0;
        for (;;) {
            ssize_t n = read(fd, buf, sizeof buf);
            check(n >= 0, "read");
            if (n == 0)
                break;
            write_all(fd, buf, (size_t)n);
            mine += n;
        }
        check(close(fd) == 0, "close");
        echoed += mine;
        if (mine == 0)
            break;
    }
    close(lfd);
    printf("served %ld connections one after another, echoed %lld bytes\n", connections, echoed);
    return 0;
}
