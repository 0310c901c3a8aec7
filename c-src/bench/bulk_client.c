/* bulk_client HOST PORT BYTES: connects and writes BYTES in 64 KiB writes,
 * then closes. The server reports the figure (it sees the last byte). */
#include "bench.h"

#define CHUNK (64 * 1024)
static char buf[CHUNK];

int main(int argc, char **argv) {
    const char *usage = "bulk_client HOST PORT BYTES";
    if (argc != 4) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int port = (int)arg_long(argv[2], usage);
    long long bytes = arg_long(argv[3], usage);
    memset(buf, 'x', sizeof buf);
    int fd = tcp_connect(argv[1], port);
    while (bytes > 0) {
        size_t n = bytes < CHUNK ? (size_t)bytes : CHUNK;
        write_all(fd, buf, n);
        bytes -= (long long)n;
    }
    close(fd);
    return 0;
}
