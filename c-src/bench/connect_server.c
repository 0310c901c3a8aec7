/* connect_server PORT N: accepts N connections one after another and closes
 * each at once; the client's read() of EOF completes the cycle. */
#include "bench.h"

int main(int argc, char **argv) {
    const char *usage = "connect_server PORT N";
    if (argc != 3) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int lfd = tcp_listen((int)arg_long(argv[1], usage), 128);
    long n = arg_long(argv[2], usage);
    ready();
    for (long i = 0; i < n; i++) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) die("accept");
        close(fd);
    }
    close(lfd);
    return 0;
}
