/*
 * half_close.c: shutdown(SHUT_WR) is a half close: the peer reads the data
 * and then EOF, and can still send back a reply, which the half-closed side
 * reads; sending after SHUT_WR fails with EPIPE
 * (MSG_NOSIGNAL keeps SIGPIPE away).
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    char buf[64];

    write_all(client, "request", 7);
    report("client shutdown(SHUT_WR)", shutdown(client, SHUT_WR));
    size_t n = read_full(server, buf, sizeof buf);
    printf("server read until EOF: %zu \"%.*s\"\n", n, (int)n, buf);
    report("server read again", read(server, buf, sizeof buf));

    /* The server's direction is still open. */
    const char *reply = "reply after the client's EOF";
    write_all(server, reply, strlen(reply));
    report("server shutdown(SHUT_WR)", shutdown(server, SHUT_WR));
    n = read_full(client, buf, sizeof buf);
    printf("client read until EOF: %zu \"%.*s\"\n", n, (int)n, buf);

    report("client send after SHUT_WR", send(client, "x", 1, MSG_NOSIGNAL));
    report("shutdown(SHUT_WR) twice", shutdown(client, SHUT_WR));

    close(client);
    close(server);
    return 0;
}
