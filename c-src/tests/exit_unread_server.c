/*
 * exit_unread_server.c (with exit_unread_client.c): a program that exits
 * with data it never read still queued on a connection. Closing such a
 * socket resets the connection (RFC 2525 2.17; Linux does it at close and
 * at exit alike), so the peer's read fails with ECONNRESET rather than
 * seeing EOF.
 * Usage: exit_unread_server PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    struct pollfd p = {fd, POLLIN, 0};
    int rc = poll(&p, 1, 10000);
    printf("data waiting: poll=%d revents=%s; exiting without reading it\n", rc, pollbits(p.revents));
    return 0;
}
