/*
 * exit_unread_client.c: sends a few bytes the server never reads, then
 * waits in read() for the server's end of the connection.
 * Usage: exit_unread_client PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int fd = connect_loopback(port_arg(argc, argv, 1));
    write_all(fd, "never read", 10);
    char buf[16];
    report("read after the server exited", read(fd, buf, sizeof buf));
    close(fd);
    return 0;
}
