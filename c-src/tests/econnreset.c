/*
 * econnreset.c: a peer that sets SO_LINGER {1, 0} and closes resets the
 * connection: a blocked recv() fails with ECONNRESET, the error is reported
 * once, later reads return 0, and sends fail with EPIPE.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    struct linger lg = {1, 0};
    check(setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    close(client);

    char buf[16];
    report("recv after peer reset", recv(server, buf, sizeof buf, 0));
    report("recv again", recv(server, buf, sizeof buf, 0));
    report("send after reset", send(server, "x", 1, MSG_NOSIGNAL));
    close(server);

    /* Reset with data in flight: the data sent before the reset may or may
     * not be read first; the reset is reported either way. */
    tcp_pair(&client, &server);
    check(setsockopt(server, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "setsockopt");
    write_all(client, "unread", 6);
    usleep(100000);
    close(server); /* unread data in its receive queue: RST */
    int err = 0;
    for (int i = 0; i < 100; i++) {
        ssize_t n = recv(client, buf, sizeof buf, 0);
        if (n < 0) {
            err = errno;
            break;
        }
        if (n == 0)
            break;
    }
    printf("client recv after server reset: %s\n", errname(err));
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(client, SOL_SOCKET, SO_ERROR, &soerr, &len);
    printf("SO_ERROR after the reset was reported: %s\n", errname(soerr));
    close(client);
    return 0;
}
