/* bulk_server PORT: accepts one connection, reads and discards until EOF,
 * prints the throughput in MB/s (10^6 bytes). Timed from the first byte to
 * EOF inside the program, so process start-up is not counted. */
#include "bench.h"

static char buf[256 * 1024];

int main(int argc, char **argv) {
    const char *usage = "bulk_server PORT";
    if (argc != 2) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int lfd = tcp_listen((int)arg_long(argv[1], usage), 1);
    ready();
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) die("accept");
    long long total = 0;
    double start = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read");
        }
        if (n == 0) break;
        if (total == 0) start = now_s();
        total += n;
    }
    double secs = now_s() - start;
    close(fd);
    close(lfd);
    if (total == 0 || secs <= 0) { fprintf(stderr, "no data received\n"); return 1; }
    printf("RESULT %.3f MB/s bytes=%lld\n", (double)total / 1e6 / secs, total);
    fflush(stdout);
    return 0;
}
