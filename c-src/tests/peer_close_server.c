/*
 * peer_close_server.c (with peer_close_client.c): the peer closes or resets
 * the connection while this side is blocked in read(), poll() or accept(),
 * and the blocked call returns as it does on Linux. The closing side waits
 * 100 ms first, so the other is asleep in the call when it happens. The
 * last two cases turn the roles around (the client is the blocked one).
 * Usage: peer_close_server PORT
 */
#include "common.h"

static int next_conn(int lfd) {
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    return fd;
}

static void show_poll(const char *label, int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    int rc = poll(&p, 1, 10000);
    printf("%s: poll=%d revents=%s\n", label, rc, pollbits(p.revents));
}

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    char buf[64];

    /* 1. Blocked in read(); the peer closes. */
    int fd = next_conn(lfd);
    report("blocked read, peer closed", read(fd, buf, sizeof buf));
    report("read again", read(fd, buf, sizeof buf));
    close(fd);

    /* 2. Blocked in read(); the peer resets. */
    fd = next_conn(lfd);
    report("blocked read, peer reset", read(fd, buf, sizeof buf));
    report("read again", read(fd, buf, sizeof buf));
    report("send after the reset", send(fd, "x", 1, MSG_NOSIGNAL));
    close(fd);

    /* 3. Blocked in poll(); the peer closes. */
    fd = next_conn(lfd);
    show_poll("blocked poll, peer closed", fd);
    report("read", read(fd, buf, sizeof buf));
    close(fd);

    /* 4. Blocked in poll(); the peer resets. */
    fd = next_conn(lfd);
    show_poll("blocked poll, peer reset", fd);
    report("read", read(fd, buf, sizeof buf));
    close(fd);

    /* 5. Blocked in accept(); the peer connects and closes at once: accept
     * still returns the connection, which reads as EOF. */
    fd = next_conn(lfd);
    printf("blocked accept, peer connected and closed: accepted\n");
    report("read", read(fd, buf, sizeof buf));
    close(fd);

    /* 6. Blocked in accept(); the peer connects, resets, and connects
     * again. Linux may hand out the reset connection (its read fails with
     * ECONNRESET) or drop it (ECONNABORTED from accept with an address);
     * either way the next accept brings the live one. */
    int live = -1;
    for (int i = 0; i < 3 && live < 0; i++) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        int c = accept(lfd, (struct sockaddr *)&from, &len);
        if (c < 0) {
            check(errno == ECONNABORTED, "accept");
            continue;
        }
        ssize_t n = read(c, buf, sizeof buf);
        if (n < 0 && errno == ECONNRESET) {
            close(c);
            continue;
        }
        check(n > 0, "read");
        printf("blocked accept, peer reset then connected again: got \"%.*s\"\n", (int)n, buf);
        live = c;
    }
    check(live >= 0, "accept the live connection");
    close(live);

    /* 7. The client is blocked in read(); this side closes. */
    fd = next_conn(lfd);
    usleep(100000);
    close(fd);

    /* 8. The client is blocked in poll(); this side resets. */
    fd = next_conn(lfd);
    usleep(100000);
    struct linger lg = {1, 0};
    check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    close(fd);

    /* The client says when it has seen both. */
    fd = next_conn(lfd);
    size_t n = read_full(fd, buf, sizeof buf);
    printf("client finished: \"%.*s\"\n", (int)n, buf);
    close(fd);
    close(lfd);
    return 0;
}
