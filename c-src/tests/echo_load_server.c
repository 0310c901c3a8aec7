/*
 * echo_load_server.c (with echo_load_client.c): one poll() loop that
 * accepts CLIENTS connections, echoes every byte back on the connection it
 * came from, and exits once all of them have come and gone. Every failed
 * call is counted and named: under load nothing may fail.
 * Usage: echo_load_server PORT [CLIENTS [SECONDS [stats]]]
 *   (SECONDS is the client's; "stats" prints the byte count too)
 */
#include "common.h"

#define MAX_CLIENTS 1000

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int want = argc > 2 ? atoi(argv[2]) : MAX_CLIENTS;
    int stats = argc > 4 && strcmp(argv[4], "stats") == 0;
    if (want < 1 || want > MAX_CLIENTS)
        want = MAX_CLIENTS;

    int lfd = listen_on(port, SOMAXCONN);

    /* Entries stay packed: a finished connection is replaced by the last. */
    static struct pollfd fds[MAX_CLIENTS + 1];
    int nfds = 1;
    fds[0].fd = lfd;
    fds[0].events = POLLIN;
    int accepted = 0, closed = 0, errors = 0, first_error = 0;
    long long echoed = 0;
    static char buf[16384];

    /* 20 s without any event means the client is gone: give up. */
    for (long rounds = 0; rounds < 100000000L && closed < want; rounds++) {
        int rc = poll(fds, (nfds_t)nfds, 20000);
        if (rc < 0) {
            errors++;
            first_error = first_error ? first_error : errno;
            break;
        }
        if (rc == 0) {
            printf("idle for 20 s: accepted %d closed %d\n", accepted, closed);
            return 1;
        }
        for (int i = 0; i < nfds; i++) {
            if (!fds[i].revents)
                continue;
            if (fds[i].fd == lfd) {
                int fd = accept(lfd, NULL, NULL);
                if (fd < 0) {
                    errors++;
                    first_error = first_error ? first_error : errno;
                    continue;
                }
                fds[nfds].fd = fd;
                fds[nfds].events = POLLIN;
                fds[nfds].revents = 0; /* not polled in this round */
                nfds++;
                if (++accepted == want) {
                    close(lfd);
                    fds[i--] = fds[--nfds];
                }
                continue;
            }
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                /* Blocking write: the client keeps reading, and never has
                 * more in flight than fits in the buffers. */
                ssize_t at = 0;
                while (at < n) {
                    ssize_t w = write(fds[i].fd, buf + at, (size_t)(n - at));
                    if (w <= 0) {
                        errors++;
                        first_error = first_error ? first_error : errno;
                        break;
                    }
                    at += w;
                }
                echoed += at;
                if (at == n)
                    continue;
            } else if (n < 0) {
                errors++;
                first_error = first_error ? first_error : errno;
            }
            close(fds[i].fd);
            closed++;
            fds[i--] = fds[--nfds];
        }
    }
    printf("accepted %d, closed %d\n", accepted, closed);
    printf("errors %d%s%s\n", errors, errors ? ", first " : "", errors ? errname(first_error) : "");
    if (stats)
        printf("echoed %lld bytes\n", echoed);
    return errors ? 1 : 0;
}
