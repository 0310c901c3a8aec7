/*
 * err_isconn.c: connect() on a socket that is already connected fails with
 * EISCONN, whether it connected itself or came from accept().
 */
#include "common.h"

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    int client = connect_loopback(port);
    int server = accept(lfd, NULL, NULL);
    check(server >= 0, "accept");
    struct sockaddr_in sin = loopback4(port);
    report("connect again, same address", connect(client, (struct sockaddr *)&sin, sizeof sin));
    report("connect on an accepted socket", connect(server, (struct sockaddr *)&sin, sizeof sin));
    /* The connection is unharmed. */
    write_all(client, "ok", 2);
    char buf[2];
    printf("still connected: %zu\n", read_full(server, buf, 2));
    close(client);
    close(server);
    close(lfd);
    return 0;
}
