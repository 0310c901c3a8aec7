/*
 * peer_close_client.c: the closing side of peer_close_server.c for its
 * cases 1-6, the blocked side for 7 and 8.
 * Usage: peer_close_client PORT
 */
#include "common.h"

static void pause_then_close(int fd, int reset) {
    usleep(100000);
    if (reset) {
        struct linger lg = {1, 0};
        check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    }
    close(fd);
}

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    char buf[64];

    pause_then_close(connect_loopback(port), 0); /* 1 */
    pause_then_close(connect_loopback(port), 1); /* 2 */
    pause_then_close(connect_loopback(port), 0); /* 3 */
    pause_then_close(connect_loopback(port), 1); /* 4 */

    /* 5: connect and close at once, after the server is asleep in accept. */
    usleep(100000);
    close(connect_loopback(port));

    /* 6: connect and reset at once, then connect for real. */
    usleep(100000);
    int fd = connect_loopback(port);
    struct linger lg = {1, 0};
    check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    close(fd);
    usleep(50000);
    fd = connect_loopback(port);
    write_all(fd, "live", 4);
    report("read until the server closes", read(fd, buf, sizeof buf));
    close(fd);

    /* 7. Blocked in read(); the server closes. */
    fd = connect_loopback(port);
    report("blocked read, server closed", read(fd, buf, sizeof buf));
    close(fd);

    /* 8. Blocked in poll(); the server resets. */
    fd = connect_loopback(port);
    struct pollfd p = {fd, POLLIN, 0};
    int rc = poll(&p, 1, 10000);
    printf("blocked poll, server reset: poll=%d revents=%s\n", rc, pollbits(p.revents));
    report("read", read(fd, buf, sizeof buf));
    report("read again", read(fd, buf, sizeof buf));
    close(fd);

    fd = connect_loopback(port);
    write_all(fd, "done", 4);
    close(fd);
    return 0;
}
