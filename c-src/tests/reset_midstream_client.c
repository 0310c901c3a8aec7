/*
 * reset_midstream_client.c: the other end of reset_midstream_server.c.
 * Usage: reset_midstream_client PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    static char buf[65536];
    memset(buf, 's', sizeof buf);

    /* 1. Send until the server's reset stops it (at most 1 GiB). */
    int fd = connect_loopback(port);
    int err = 0;
    for (int i = 0; i < 16384 && err == 0; i++) {
        ssize_t n = send(fd, buf, sizeof buf, MSG_NOSIGNAL);
        if (n < 0)
            err = errno;
    }
    printf("send until the peer reset: %s\n", errname(err));
    report("send again", send(fd, buf, 1, MSG_NOSIGNAL));
    report("read", read(fd, buf, sizeof buf));
    close(fd);

    /* 2. Receive while the server sends 1 MiB and resets. */
    fd = connect_loopback(port);
    write_all(fd, "g", 1);
    size_t got = read_full(fd, buf, 4096);
    printf("received the first 4 KiB: %s\n", got == 4096 ? "yes" : "no");
    usleep(200000); /* the server finishes sending and resets meanwhile */
    long long total = (long long)got;
    err = 0;
    for (int i = 0; i < 100000 && err == 0; i++) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0)
            err = errno;
        else if (n == 0)
            break;
        else
            total += n;
    }
    printf("read until the reset: %s, %s\n", errname(err), total <= 1048576 ? "no more than was sent" : "TOO MUCH");
    report("read again", read(fd, buf, sizeof buf));
    report("send after the reset", send(fd, "x", 1, MSG_NOSIGNAL));
    close(fd);

    fd = connect_loopback(port);
    write_all(fd, "done", 4);
    close(fd);
    return 0;
}
