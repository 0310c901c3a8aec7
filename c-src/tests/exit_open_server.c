/*
 * exit_open_server.c (with exit_open_client.c): programs that end without
 * closing their sockets. The kernel (or the host) closes them: the peer
 * reads the data and then EOF, and the listening port is free again as soon
 * as the server has exited. Usage: exit_open_server PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");

    char buf[256];
    size_t n = read_full(fd, buf, sizeof buf);
    printf("read until EOF: %zu \"%.*s\"\n", n, (int)n, buf);
    write_all(fd, "server exits without close\n", 27);
    /* Neither fd nor lfd is closed: exit does it. */
    return 0;
}
