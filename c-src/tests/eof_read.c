/*
 * eof_read.c: after the peer closes, queued data is still delivered, then
 * read() and recv() return 0, and keep returning 0.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    write_all(client, "last words", 10);
    close(client);

    char buf[64];
    size_t n = read_full(server, buf, sizeof buf);
    printf("read before EOF: %zu \"%.*s\"\n", n, (int)n, buf);
    report("read at EOF", read(server, buf, sizeof buf));
    report("read at EOF again", read(server, buf, sizeof buf));
    report("recv at EOF", recv(server, buf, sizeof buf, 0));
    report("recv MSG_DONTWAIT at EOF", recv(server, buf, sizeof buf, MSG_DONTWAIT));
    report("read of 0 bytes", read(server, buf, 0));
    close(server);
    return 0;
}
