/* rtt_server PORT: accepts one connection and echoes every byte until EOF
 * (TCP_NODELAY, so each 1-byte reply leaves at once). */
#include "bench.h"

int main(int argc, char **argv) {
    const char *usage = "rtt_server PORT";
    if (argc != 2) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int lfd = tcp_listen((int)arg_long(argv[1], usage), 1);
    ready();
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) die("accept");
    no_delay(fd);
    char buf[512];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read");
        }
        if (n == 0) break;
        write_all(fd, buf, (size_t)n);
    }
    close(fd);
    close(lfd);
    return 0;
}
