/*
 * epipe_nosignal.c: writing to a connection whose peer has gone: the first
 * send may still succeed (the peer answers it with RST), after which
 * send(MSG_NOSIGNAL) fails with EPIPE instead of raising SIGPIPE.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    close(server);
    char buf[8];
    report("read the peer's EOF", read(client, buf, sizeof buf));

    int err = 0, sends = 0;
    for (int i = 0; i < 200; i++) {
        if (send(client, "data", 4, MSG_NOSIGNAL) < 0) {
            err = errno;
            break;
        }
        sends++;
        usleep(10000);
    }
    printf("send to a closed peer fails with: %s (after at least one success: %d)\n", errname(err), sends > 0);
    report("send again", send(client, "data", 4, MSG_NOSIGNAL));
    report("recv after EPIPE", recv(client, buf, sizeof buf, 0));
    close(client);
    return 0;
}
