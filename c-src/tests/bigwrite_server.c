/*
 * bigwrite_server.c (with bigwrite_client.c): the client's single 8 MiB
 * write() must complete; the server reads until EOF and checks every byte.
 * Usage: bigwrite_server PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");

    static unsigned char buf[100000];
    long total = 0, bad = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        check(n >= 0, "read");
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != (unsigned char)((total + i) * 7 % 251))
                bad++;
        total += n;
    }
    printf("received %ld bytes, %ld wrong\n", total, bad);
    write_all(fd, "done\n", 5);
    close(fd);
    close(lfd);
    return 0;
}
