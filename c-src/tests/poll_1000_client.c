/*
 * poll_1000_client.c: opens 1,000 connections and keeps them all open,
 * sends "ping\n" on each, waits (poll) for every "pong\n", then closes them.
 * Usage: poll_1000_client PORT [CLIENTS]   (default 1000)
 */
#include "common.h"

#define MAX_CLIENTS 1000

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int want = argc > 2 ? atoi(argv[2]) : MAX_CLIENTS;
    if (want < 1 || want > MAX_CLIENTS)
        want = MAX_CLIENTS;

    static struct pollfd fds[MAX_CLIENTS];
    static int got[MAX_CLIENTS];
    for (int i = 0; i < want; i++) {
        fds[i].fd = connect_loopback(port);
        fds[i].events = POLLIN;
    }
    printf("connected %d\n", want);
    for (int i = 0; i < want; i++)
        write_all(fds[i].fd, "ping\n", 5);
    printf("sent %d pings\n", want);

    int done = 0;
    for (int rounds = 0; rounds < 1000000 && done < want; rounds++) {
        int rc = poll(fds, want, 20000);
        check(rc >= 0, "poll");
        if (rc == 0) {
            printf("timed out with %d pongs\n", done);
            return 1;
        }
        for (int i = 0; i < want; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[16];
            ssize_t n = read(fds[i].fd, buf, sizeof buf - got[i]);
            check(n > 0, "read pong");
            got[i] += (int)n;
            if (got[i] == 5) {
                fds[i].fd = -fds[i].fd - 1; /* done: stop polling it, keep it open */
                done++;
            }
        }
    }
    printf("pongs received %d\n", done);
    for (int i = 0; i < want; i++)
        close(fds[i].fd < 0 ? -fds[i].fd - 1 : fds[i].fd);
    printf("closed %d\n", want);
    return 0;
}
