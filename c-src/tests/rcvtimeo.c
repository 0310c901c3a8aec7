/*
 * rcvtimeo.c: SO_RCVTIMEO makes a blocking recv() (and accept()) give up
 * with EAGAIN once the timeout has passed, and no earlier; data that
 * arrives in time is returned. SO_SNDTIMEO does the same for a send() that
 * cannot make progress.
 */
#include <sys/time.h>

#include "common.h"

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    struct timeval tv = {0, 300000};
    check(setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "setsockopt");
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = accept(lfd, NULL, NULL);
    long ms = elapsed_ms(&start);
    printf("accept with 300 ms SO_RCVTIMEO: %d %s, waited >= 280 ms: %d, < 5 s: %d\n", rc,
           rc < 0 ? errname(errno) : "", ms >= 280, ms < 5000);

    int client = connect_loopback(port);
    int server = accept(lfd, NULL, NULL);
    check(server >= 0, "accept");
    check(setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "setsockopt");

    char buf[16];
    clock_gettime(CLOCK_MONOTONIC, &start);
    ssize_t n = recv(server, buf, sizeof buf, 0);
    ms = elapsed_ms(&start);
    printf("recv with 300 ms SO_RCVTIMEO: %zd %s, waited >= 280 ms: %d, < 5 s: %d\n", n,
           n < 0 ? errname(errno) : "", ms >= 280, ms < 5000);
    clock_gettime(CLOCK_MONOTONIC, &start);
    n = read(server, buf, sizeof buf);
    ms = elapsed_ms(&start);
    printf("read with 300 ms SO_RCVTIMEO: %zd %s, waited >= 280 ms: %d\n", n, n < 0 ? errname(errno) : "",
           ms >= 280);

    write_all(client, "in time", 7);
    n = recv(server, buf, sizeof buf, 0);
    printf("recv with data waiting: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);

    /* SO_SNDTIMEO: the peer does not read, so a big send stops early. */
    check(setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0, "setsockopt");
    static char big[16 << 20];
    memset(big, 'b', sizeof big);
    clock_gettime(CLOCK_MONOTONIC, &start);
    n = send(client, big, sizeof big, 0);
    ms = elapsed_ms(&start);
    printf("16 MiB send with 300 ms SO_SNDTIMEO: partial %d, waited >= 280 ms: %d\n",
           n > 0 && n < (ssize_t)sizeof big, ms >= 280);

    close(client);
    close(server);
    close(lfd);
    return 0;
}
