/*
 * msg_dontwait.c: MSG_DONTWAIT makes one recv()/send() non-blocking while
 * the socket itself stays blocking.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    char buf[32];

    report("recv MSG_DONTWAIT, nothing sent", recv(server, buf, sizeof buf, MSG_DONTWAIT));
    printf("socket still blocking: %d\n", (fcntl(server, F_GETFL, 0) & O_NONBLOCK) == 0);

    ssize_t n = send(client, "data", 4, MSG_DONTWAIT);
    report("send MSG_DONTWAIT", n);

    struct pollfd p = {server, POLLIN, 0};
    poll(&p, 1, 5000);
    n = recv(server, buf, sizeof buf, MSG_DONTWAIT);
    printf("recv MSG_DONTWAIT after data: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);

    /* A blocking recv still waits: the peer's data arrives after a pause
     * here because it is already queued; this recv returns it. */
    write_all(client, "more", 4);
    n = recv(server, buf, sizeof buf, 0);
    printf("blocking recv: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
    report("recv MSG_DONTWAIT, drained", recv(server, buf, sizeof buf, MSG_DONTWAIT));

    /* With MSG_PEEK too: nothing consumed, still EAGAIN when empty. */
    report("recv MSG_DONTWAIT|MSG_PEEK, empty", recv(server, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK));

    close(client);
    close(server);
    return 0;
}
