/*
 * poll_hup.c: what poll() reports as a connection winds down, as Linux
 * reports it. Peer's FIN alone: readable (read returns 0), no POLLHUP. Once
 * this side has shut down its writing half too: POLLHUP. A connection reset
 * by the peer: POLLERR and POLLHUP.
 */
#include "common.h"

static void show(const char *label, int fd, short events) {
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    int rc = poll(&p, 1, 5000);
    printf("%s: poll=%d revents=%s\n", label, rc, pollbits(p.revents));
}

int main(void) {
    int client, server;
    char buf[8];

    tcp_pair(&client, &server);
    show("open connection, POLLIN|POLLOUT", server, POLLIN | POLLOUT);
    close(client);
    show("peer closed, POLLIN", server, POLLIN);
    printf("read after peer close: %zd\n", read(server, buf, sizeof buf));
    check(shutdown(server, SHUT_WR) == 0, "shutdown");
    show("both halves shut, POLLIN", server, POLLIN);
    close(server);

    /* The peer aborts: SO_LINGER with a zero timeout makes close() send RST. */
    tcp_pair(&client, &server);
    struct linger lg = {1, 0};
    check(setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    close(client);
    show("peer reset, POLLIN", server, POLLIN);
    ssize_t n = read(server, buf, sizeof buf);
    report("read after reset", n);
    close(server);
    return 0;
}
