/*
 * nonblock_eagain.c: non-blocking sockets say EAGAIN instead of waiting:
 * accept() with no pending connection, recv() with nothing to read, send()
 * once the buffers are full. Data that does arrive is then returned.
 */
#include "common.h"

static void set_nonblock(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    check(flags >= 0, "fcntl");
    check(fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0, "fcntl");
}

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    set_nonblock(lfd);
    report("accept, nobody connecting", accept(lfd, NULL, NULL));

    int client = connect_loopback(port);
    struct pollfd p = {lfd, POLLIN, 0};
    poll(&p, 1, 5000);
    int server = accept(lfd, NULL, NULL);
    check(server >= 0, "accept");
    /* An accepted socket does not inherit O_NONBLOCK on Linux. */
    printf("accepted socket O_NONBLOCK: %d\n", (fcntl(server, F_GETFL, 0) & O_NONBLOCK) != 0);
    report("accept again, queue empty", accept(lfd, NULL, NULL));

    set_nonblock(server);
    char buf[64];
    report("recv, nothing sent", recv(server, buf, sizeof buf, 0));
    report("read, nothing sent", read(server, buf, sizeof buf));

    write_all(client, "abc", 3);
    p.fd = server;
    p.events = POLLIN;
    poll(&p, 1, 5000);
    ssize_t n = recv(server, buf, sizeof buf, 0);
    printf("recv after data: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
    report("recv, drained", recv(server, buf, sizeof buf, 0));

    /* Fill the connection: the peer never reads, so sends stop with EAGAIN. */
    set_nonblock(client);
    static char chunk[65536];
    memset(chunk, 'z', sizeof chunk);
    long total = 0;
    int eagain = 0;
    for (int i = 0; i < 100000; i++) {
        ssize_t w = send(client, chunk, sizeof chunk, 0);
        if (w < 0) {
            eagain = errno == EAGAIN;
            if (!eagain)
                printf("send failed: %s\n", errname(errno));
            break;
        }
        total += w;
    }
    printf("send until full: stopped with EAGAIN=%d after some data=%d\n", eagain, total > 0);

    /* Draining the receiver makes room again. */
    long drained = 0;
    for (int i = 0; i < 1000000 && drained < total; i++) {
        struct pollfd q = {server, POLLIN, 0};
        if (poll(&q, 1, 5000) <= 0)
            break;
        n = recv(server, chunk, sizeof chunk, 0);
        if (n <= 0)
            break;
        drained += n;
    }
    printf("receiver drained everything sent: %d\n", drained == total);
    p.fd = client;
    p.events = POLLOUT;
    p.revents = 0;
    printf("poll for writable after draining: %d\n", poll(&p, 1, 5000));

    close(client);
    close(server);
    close(lfd);
    return 0;
}
