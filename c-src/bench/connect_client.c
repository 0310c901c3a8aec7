/* connect_client HOST PORT N: N sequential connect / wait for the server's
 * close / close cycles; prints connections per second. Waiting for EOF makes
 * each cycle include the server's accept, not just the kernel handshake. */
#include "bench.h"

int main(int argc, char **argv) {
    const char *usage = "connect_client HOST PORT N";
    if (argc != 4) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int port = (int)arg_long(argv[2], usage);
    long n = arg_long(argv[3], usage);
    char c;
    double start = now_s();
    for (long i = 0; i < n; i++) {
        int fd = tcp_connect(argv[1], port);
        ssize_t got = read(fd, &c, 1);
        if (got != 0) { fprintf(stderr, "expected EOF, read returned %ld\n", (long)got); return 1; }
        close(fd);
    }
    double secs = now_s() - start;
    result((double)n / secs, "conn/s");
    return 0;
}
