/* poll_echo_server PORT N: one poll() loop that accepts N connections and
 * echoes whatever each sends; exits once all N have come and gone. The
 * runner samples this process's RSS while the connections are open. */
#include <poll.h>
#include "bench.h"

int main(int argc, char **argv) {
    const char *usage = "poll_echo_server PORT N";
    if (argc != 3) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int lfd = tcp_listen((int)arg_long(argv[1], usage), 1024);
    long n = arg_long(argv[2], usage);
    /* Entries are kept packed (a closed one is replaced by the last), so
     * poll() is never handed negative fds. */
    struct pollfd *pfd = calloc((size_t)n + 1, sizeof *pfd);
    if (!pfd) die("calloc");
    nfds_t count = 1;
    pfd[0].fd = lfd;
    pfd[0].events = POLLIN;
    long accepted = 0;
    char buf[4096];
    ready();
    while (accepted < n || count > 0) {
        if (poll(pfd, count, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        for (nfds_t i = 0; i < count; i++) {
            if (!pfd[i].revents) continue;
            if (pfd[i].fd == lfd) {
                int fd = accept(lfd, NULL, NULL);
                if (fd < 0) die("accept");
                pfd[count].fd = fd;
                pfd[count].events = POLLIN;
                pfd[count].revents = 0; /* not polled this round */
                count++;
                if (++accepted == n) {
                    /* No more clients are expected: stop listening. */
                    close(lfd);
                    pfd[i] = pfd[--count];
                    i--;
                }
                continue;
            }
            ssize_t got = read(pfd[i].fd, buf, sizeof buf);
            if (got > 0) {
                write_all(pfd[i].fd, buf, (size_t)got);
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            /* EOF or error: this client is done. */
            close(pfd[i].fd);
            pfd[i] = pfd[--count];
            i--;
        }
    }
    free(pfd);
    return 0;
}
