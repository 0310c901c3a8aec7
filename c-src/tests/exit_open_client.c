/*
 * exit_open_client.c: sends a message, half-closes, reads the server's
 * reply until EOF, and exits without closing.
 * Usage: exit_open_client PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int fd = connect_loopback(port_arg(argc, argv, 1));
    write_all(fd, "client data", 11);
    check(shutdown(fd, SHUT_WR) == 0, "shutdown");
    char buf[256];
    size_t n = read_full(fd, buf, sizeof buf);
    printf("read until EOF: %zu \"%.*s\"\n", n, (int)n, buf);
    /* fd is not closed: exit does it. */
    return 0;
}
