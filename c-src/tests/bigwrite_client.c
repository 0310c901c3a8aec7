/*
 * bigwrite_client.c: one write() of 8 MiB on a blocking socket returns the
 * full count, then SHUT_WR; reads the server's verdict.
 * Usage: bigwrite_client PORT
 */
#include "common.h"

#define SIZE (8 * 1024 * 1024)

int main(int argc, char **argv) {
    int fd = connect_loopback(port_arg(argc, argv, 1));
    unsigned char *data = malloc(SIZE);
    check(data != NULL, "malloc");
    for (long i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 7 % 251);
    ssize_t n = write(fd, data, SIZE);
    printf("write(8 MiB) returned %zd\n", n);
    check(shutdown(fd, SHUT_WR) == 0, "shutdown");
    char reply[16];
    size_t got = read_full(fd, reply, sizeof reply);
    printf("server said: %.*s", (int)got, reply);
    free(data);
    close(fd);
    return 0;
}
