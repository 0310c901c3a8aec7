/*
 * select_exceptfds.c: select() with an exception set, as older programs
 * write it (FD_SET of the same sockets in readfds and exceptfds). Without
 * out-of-band data the exception set comes back empty and the readable
 * socket is reported as usual.
 */
#include <sys/select.h>

#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    write_all(client, "data", 4);

    fd_set rd, ex;
    FD_ZERO(&rd);
    FD_ZERO(&ex);
    FD_SET(server, &rd);
    FD_SET(server, &ex);
    FD_SET(client, &ex);
    int top = server > client ? server : client;
    struct timeval tv = {5, 0};
    int rc = select(top + 1, &rd, NULL, &ex, &tv);
    printf("select: %d", rc);
    if (rc < 0)
        printf(" %s", errname(errno));
    printf(", server readable %d, server exception %d, client exception %d\n", FD_ISSET(server, &rd) != 0,
           FD_ISSET(server, &ex) != 0, FD_ISSET(client, &ex) != 0);

    FD_ZERO(&ex);
    FD_SET(client, &ex);
    tv.tv_sec = 0;
    tv.tv_usec = 100000;
    rc = select(client + 1, NULL, NULL, &ex, &tv);
    printf("select on the exception set alone, 100 ms: %d", rc);
    if (rc < 0)
        printf(" %s", errname(errno));
    printf("\n");
    close(client);
    close(server);
    return 0;
}
