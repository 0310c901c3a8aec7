/*
 * poll_mixed.c: poll() over a listening socket and connected sockets at once.
 * A pending connection makes the listener readable; a fresh connection is
 * writable but not readable; data makes the other end readable; a poll with
 * nothing ready times out with 0.
 */
#include "common.h"

static void show(const char *label, struct pollfd *fds, int n, int rc) {
    printf("%s: poll=%d", label, rc);
    for (int i = 0; i < n; i++)
        printf(" [%d]=%s", i, pollbits(fds[i].revents));
    printf("\n");
}

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    struct pollfd fds[3];

    fds[0].fd = lfd;
    fds[0].events = POLLIN;
    int rc = poll(fds, 1, 0);
    show("listener, nobody connecting", fds, 1, rc);

    int client = connect_loopback(port);
    rc = poll(fds, 1, 5000);
    show("listener, one connection pending", fds, 1, rc);

    int server = accept(lfd, NULL, NULL);
    check(server >= 0, "accept");

    fds[1].fd = client;
    fds[1].events = POLLIN | POLLOUT;
    fds[2].fd = server;
    fds[2].events = POLLIN;
    rc = poll(fds, 3, 0);
    show("after accept", fds, 3, rc);

    fds[1].events = POLLIN;
    rc = poll(fds, 3, 100);
    show("nothing to read, 100 ms timeout", fds, 3, rc);

    write_all(client, "ping", 4);
    rc = poll(fds, 3, 5000);
    show("client wrote 4 bytes", fds, 3, rc);

    char buf[16];
    ssize_t n = read(server, buf, sizeof buf);
    printf("server read %zd bytes: %.*s\n", n, (int)n, buf);
    write_all(server, "pong", 4);
    rc = poll(fds, 3, 5000);
    show("server replied", fds, 3, rc);
    n = read(client, buf, sizeof buf);
    printf("client read %zd bytes: %.*s\n", n, (int)n, buf);

    /* A negative fd is skipped: its revents is 0 and it does not count. */
    fds[0].fd = -1;
    rc = poll(fds, 3, 0);
    show("listener slot disabled with fd -1", fds, 3, rc);

    close(client);
    close(server);
    close(lfd);
    return 0;
}
