/*
 * select_mixed.c: select() over a listening socket, connected sockets and a
 * timeout. The listener is readable when a connection is pending, a
 * connected socket is writable at once and readable when data arrives, and
 * a select with nothing ready returns 0 when its timeout expires.
 */
#include <sys/select.h>
#include <sys/time.h>

#include "common.h"

static int maxfd(int a, int b) { return a > b ? a : b; }

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    fd_set rd, wr;
    struct timeval tv;

    FD_ZERO(&rd);
    FD_SET(lfd, &rd);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    int rc = select(lfd + 1, &rd, NULL, NULL, &tv);
    printf("listener idle: select=%d readable=%d\n", rc, FD_ISSET(lfd, &rd) != 0);

    int client = connect_loopback(port);
    FD_ZERO(&rd);
    FD_SET(lfd, &rd);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    rc = select(lfd + 1, &rd, NULL, NULL, &tv);
    printf("connection pending: select=%d readable=%d\n", rc, FD_ISSET(lfd, &rd) != 0);

    int server = accept(lfd, NULL, NULL);
    check(server >= 0, "accept");
    int top = maxfd(lfd, maxfd(client, server));

    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(lfd, &rd);
    FD_SET(server, &rd);
    FD_SET(client, &rd);
    FD_SET(client, &wr);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    rc = select(top + 1, &rd, &wr, NULL, &tv);
    printf("after accept: select=%d listener=%d server_rd=%d client_rd=%d client_wr=%d\n", rc,
           FD_ISSET(lfd, &rd) != 0, FD_ISSET(server, &rd) != 0, FD_ISSET(client, &rd) != 0,
           FD_ISSET(client, &wr) != 0);

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    FD_ZERO(&rd);
    FD_SET(lfd, &rd);
    FD_SET(server, &rd);
    tv.tv_sec = 0;
    tv.tv_usec = 150000;
    rc = select(top + 1, &rd, NULL, NULL, &tv);
    long ms = elapsed_ms(&start);
    printf("nothing ready, 150 ms timeout: select=%d waited_enough=%d\n", rc, ms >= 140);

    write_all(client, "hello", 5);
    FD_ZERO(&rd);
    FD_SET(lfd, &rd);
    FD_SET(server, &rd);
    FD_SET(client, &rd);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    rc = select(top + 1, &rd, NULL, NULL, &tv);
    printf("client wrote: select=%d listener=%d server_rd=%d client_rd=%d\n", rc,
           FD_ISSET(lfd, &rd) != 0, FD_ISSET(server, &rd) != 0, FD_ISSET(client, &rd) != 0);
    char buf[16];
    ssize_t n = read(server, buf, sizeof buf);
    printf("server read %zd: %.*s\n", n, (int)n, buf);

    /* select with no fds at all is a portable sleep. */
    clock_gettime(CLOCK_MONOTONIC, &start);
    tv.tv_sec = 0;
    tv.tv_usec = 100000;
    rc = select(0, NULL, NULL, NULL, &tv);
    ms = elapsed_ms(&start);
    printf("select as sleep: select=%d waited_enough=%d\n", rc, ms >= 90);

    close(client);
    FD_ZERO(&rd);
    FD_SET(server, &rd);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    rc = select(server + 1, &rd, NULL, NULL, &tv);
    printf("peer closed: select=%d server_rd=%d\n", rc, FD_ISSET(server, &rd) != 0);
    n = read(server, buf, sizeof buf);
    printf("server read %zd (EOF)\n", n);

    close(server);
    close(lfd);
    return 0;
}
