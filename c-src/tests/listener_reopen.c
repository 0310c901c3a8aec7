/*
 * listener_reopen.c: a listener closed and reopened on its port, in one
 * process. The first listener goes with one connection accepted (and that
 * accepted end closed) and one still queued; the new listener's
 * connection takes their descriptor numbers, and the old connection's
 * last events (the queued one's reset, the old peer's FIN) must not reach
 * it.
 */
#include "common.h"

int main(void) {
    char buf[64];
    int l1 = listen_on(0, 5);
    int port = local_port(l1);

    int c1 = connect_loopback(port);
    int a1 = accept(l1, NULL, NULL);
    check(a1 >= 0, "accept");
    int c2 = connect_loopback(port); /* left in the first listener's queue */
    write_all(c1, "old", 3);

    /* The accepted end reads what came (so its close is a FIN, not a
     * reset) and closes first; then the listener, with c2 still queued. */
    check(read_full(a1, buf, 3) == 3, "read old");
    check(close(a1) == 0, "close accepted");
    check(close(l1) == 0, "close listener");
    report("old client, its server end closed: read", read(c1, buf, sizeof buf));
    report("queued client, its listener closed: read", read(c2, buf, sizeof buf));
    check(close(c2) == 0, "close queued client");

    int l2 = listen_on(port, 5);
    printf("listener reopened on its port: %s descriptor\n", l2 == l1 ? "same" : "another");
    int c3 = connect_loopback(port);
    printf("new client: %s descriptor as the old accepted end\n", c3 == a1 ? "same" : "another");
    int a3 = accept(l2, NULL, NULL);
    check(a3 >= 0, "accept");
    printf("new accepted end: %s descriptor as the queued client\n", a3 == c2 ? "same" : "another");

    /* The old connection's last FIN, to an end that is already closed. */
    check(close(c1) == 0, "close old client");
    usleep(100000);

    struct pollfd p[2] = {{c3, POLLIN, 0}, {a3, POLLIN, 0}};
    int rc = poll(p, 2, 0);
    printf("new connection, nothing sent yet: poll=%d client=%s server=%s\n", rc, pollbits(p[0].revents), pollbits(p[1].revents));

    write_all(a3, "new", 3);
    size_t n = read_full(c3, buf, 3);
    printf("client got \"%.*s\"\n", (int)n, buf);
    write_all(c3, "back", 4);
    n = read_full(a3, buf, 4);
    printf("server got \"%.*s\"\n", (int)n, buf);

    check(close(c3) == 0, "close new client");
    report("server end after the new client closed: read", read(a3, buf, sizeof buf));
    check(close(a3) == 0, "close new accepted end");
    check(close(l2) == 0, "close new listener");
    return 0;
}
