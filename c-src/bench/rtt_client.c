/* rtt_client HOST PORT N: N 1-byte ping-pongs with TCP_NODELAY; prints the
 * mean microseconds per round trip, timed after connect. */
#include "bench.h"

int main(int argc, char **argv) {
    const char *usage = "rtt_client HOST PORT N";
    if (argc != 4) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int port = (int)arg_long(argv[2], usage);
    long n = arg_long(argv[3], usage);
    int fd = tcp_connect(argv[1], port);
    no_delay(fd);
    char c = 'p';
    double start = now_s();
    for (long i = 0; i < n; i++) {
        write_all(fd, &c, 1);
        read_all(fd, &c, 1);
    }
    double secs = now_s() - start;
    close(fd);
    result(secs * 1e6 / (double)n, "us");
    return 0;
}
