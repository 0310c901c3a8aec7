/*
 * poll_nval.c: poll() on a descriptor that is not open reports POLLNVAL
 * for that entry (and counts it), without failing the call; the other
 * entries are reported normally, and a negative fd is ignored.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);

    int dead = socket(AF_INET, SOCK_STREAM, 0);
    check(dead >= 0, "socket");
    close(dead); /* `dead` is now a descriptor number that is not open */

    struct pollfd fds[3];
    fds[0].fd = dead;
    fds[0].events = POLLIN;
    fds[1].fd = client;
    fds[1].events = POLLOUT;
    fds[2].fd = -1;
    fds[2].events = POLLIN;
    int rc = poll(fds, 3, 1000);
    printf("poll=%d closed_fd=%s client=%s negative_fd=%s\n", rc, pollbits(fds[0].revents),
           pollbits(fds[1].revents), pollbits(fds[2].revents));

    fds[0].fd = 1000; /* never opened */
    rc = poll(fds, 1, 1000);
    printf("poll on fd 1000: poll=%d revents=%s\n", rc, pollbits(fds[0].revents));

    close(client);
    close(server);
    return 0;
}
