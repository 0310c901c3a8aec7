/*
 * poll_1000_server.c (with poll_1000_client.c): one poll() loop serving
 * 1,000 clients connected at the same time: it answers each "ping\n" with
 * "pong\n" and exits once all of them have come and gone.
 * Usage: poll_1000_server PORT [CLIENTS]   (default 1000)
 */
#include "common.h"

#define MAX_CLIENTS 1000

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int want = argc > 2 ? atoi(argv[2]) : MAX_CLIENTS;
    if (want < 1 || want > MAX_CLIENTS)
        want = MAX_CLIENTS;

    int lfd = listen_on(port, SOMAXCONN);

    static struct pollfd fds[MAX_CLIENTS + 1];
    static int got[MAX_CLIENTS + 1];
    int nfds = 1;
    fds[0].fd = lfd;
    fds[0].events = POLLIN;
    int accepted = 0, open = 0, max_open = 0, pongs = 0, closed = 0;

    for (int rounds = 0; rounds < 1000000 && closed < want; rounds++) {
        int rc = poll(fds, nfds, 20000);
        check(rc >= 0, "poll");
        if (rc == 0) {
            printf("timed out: accepted %d closed %d\n", accepted, closed);
            return 1;
        }
        if ((fds[0].revents & POLLIN) && accepted < want) {
            int fd = accept(lfd, NULL, NULL);
            check(fd >= 0, "accept");
            fds[nfds].fd = fd;
            fds[nfds].events = POLLIN;
            fds[nfds].revents = 0;
            got[nfds] = 0;
            nfds++;
            accepted++;
            open++;
            if (open > max_open)
                max_open = open;
            if (accepted == want)
                fds[0].fd = -1; /* stop watching the listener */
        }
        for (int i = 1; i < nfds; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[64];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open--;
                closed++;
                continue;
            }
            for (ssize_t k = 0; k < n; k++) {
                if (buf[k] == '\n') {
                    write_all(fds[i].fd, "pong\n", 5);
                    pongs++;
                }
            }
            got[i] += (int)n;
        }
    }
    printf("accepted %d\n", accepted);
    printf("most open at once %d\n", max_open);
    printf("pongs sent %d\n", pongs);
    printf("closed %d\n", closed);
    close(lfd);
    return 0;
}
