/*
 * fs_poll_files.c: regular files in poll() and select() next to sockets and
 * stdin (at end of input, a pipe): a file is always ready to read and to write, and
 * never holds up the others. Usage: fs_poll_files DIR (stdin: empty)
 */
#include "fs_common.h"
#include <sys/select.h>

int main(int argc, char **argv) {
    fs_start(argc, argv);
    int file = open(at("data.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(file >= 0, "open");
    write_all(file, "some data\n", 10);
    int client, server;
    tcp_pair(&client, &server);
    printf("file and socket descriptors differ: %s\n", file != client && file != server && client != server ? "yes" : "no");

    struct pollfd p[4];
    p[0].fd = file;
    p[0].events = POLLIN | POLLOUT;
    p[1].fd = server;
    p[1].events = POLLIN;
    p[2].fd = client;
    p[2].events = POLLOUT;
    p[3].fd = 0;
    p[3].events = POLLIN;
    int rc = poll(p, 3, 1000);
    printf("poll file, idle socket, writable socket: %d [%s] [%s] [%s]\n", rc, pollbits(p[0].revents), pollbits(p[1].revents), pollbits(p[2].revents));
    write_all(client, "ping", 4);
    /* Once the ping is there (and stdin's end known), the mixed polls below
     * show every ready descriptor at once: a ready file returns at once and
     * must not hide the others. */
    check(poll(&p[1], 1, 5000) == 1, "wait for the ping");
    check(poll(&p[3], 1, 5000) == 1, "wait for stdin's end");
    p[2].events = 0;
    rc = poll(p, 3, 1000);
    printf("after ping: %d [%s] [%s] [%s]\n", rc, pollbits(p[0].revents), pollbits(p[1].revents), pollbits(p[2].revents));
    char buf[16];
    check(read(server, buf, sizeof buf) == 4, "read ping");
    rc = poll(p, 4, 1000);
    /* stdin's own bits at its end depend on what it is (a pipe: POLLHUP; a
     * socket, as the test harness gives: POLLIN, then POLLHUP too once the
     * other end is closed, not only shut down): only "ready". */
    printf("with stdin at EOF: %d [%s] [%s] [%s] stdin %s\n", rc, pollbits(p[0].revents), pollbits(p[1].revents), pollbits(p[2].revents),
           p[3].revents & (POLLIN | POLLHUP) ? "ready" : "not ready");

    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(file, &r);
    FD_SET(file, &w);
    FD_SET(server, &r);
    int maxfd = file > server ? file : server;
    struct timeval tv = {1, 0};
    rc = select(maxfd + 1, &r, &w, NULL, &tv);
    printf("select file+idle socket: %d file r=%d w=%d socket r=%d\n", rc, FD_ISSET(file, &r) != 0, FD_ISSET(file, &w) != 0, FD_ISSET(server, &r) != 0);

    /* The file readable in poll does not mean there is data: read at EOF is 0. */
    report("read file at EOF", read(file, buf, sizeof buf));
    close(file);
    close(client);
    close(server);
    return 0;
}
