/*
 * reset_midstream_server.c (with reset_midstream_client.c): a connection
 * reset in the middle of a bulk transfer. First the client sends without
 * pause and this side resets after reading 256 KiB: the client's next send
 * fails with ECONNRESET, then EPIPE. Then the roles turn: this side sends
 * 1 MiB and resets while the client is still receiving: the client reads
 * what arrived, then ECONNRESET, then 0.
 * Usage: reset_midstream_server PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    struct linger lg = {1, 0};
    static char buf[65536];

    /* 1. Read 256 KiB of the client's stream, then reset. */
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    size_t n = read_full(fd, buf, sizeof buf);
    for (int i = 1; i < 4 && n == sizeof buf; i++)
        n = read_full(fd, buf, sizeof buf);
    printf("read 256 KiB: %s\n", n == sizeof buf ? "yes" : "no");
    check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    close(fd);

    /* 2. Send 1 MiB and reset with data still on its way. The client
     * first says it is connected: a connection reset before connect()
     * returns fails the connect() itself. */
    fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    check(read_full(fd, buf, 1) == 1, "read the client's go");
    memset(buf, 'r', sizeof buf);
    for (int i = 0; i < 16; i++)
        write_all(fd, buf, sizeof buf);
    check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    close(fd);
    printf("sent 1 MiB and reset\n");

    /* The client reports when it is done. */
    fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    n = read_full(fd, buf, 64);
    printf("client finished: \"%.*s\"\n", (int)n, buf);
    close(fd);
    close(lfd);
    return 0;
}
