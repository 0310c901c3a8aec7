/*
 * shutdown_modes.c: SHUT_RD (reads return 0 from then on), SHUT_RDWR (the
 * peer sees EOF, this side can neither read nor write), and shutdown()'s
 * errors: ENOTCONN on a socket that is not connected, EINVAL for a bad how.
 */
#include "common.h"

int main(void) {
    int client, server;
    char buf[32];

    tcp_pair(&client, &server);
    report("shutdown(SHUT_RD)", shutdown(server, SHUT_RD));
    report("recv after SHUT_RD", recv(server, buf, sizeof buf, 0));
    struct pollfd p = {server, POLLIN, 0};
    int rc = poll(&p, 1, 1000);
    printf("poll after SHUT_RD: %d %s\n", rc, pollbits(p.revents));
    /* Writing the other way still works. */
    report("send from the SHUT_RD side", send(server, "up", 2, 0));
    printf("peer reads: %zu\n", read_full(client, buf, 2));
    close(client);
    close(server);

    tcp_pair(&client, &server);
    report("shutdown(SHUT_RDWR)", shutdown(client, SHUT_RDWR));
    report("peer read", read(server, buf, sizeof buf));
    report("read after SHUT_RDWR", read(client, buf, sizeof buf));
    report("send after SHUT_RDWR", send(client, "x", 1, MSG_NOSIGNAL));
    close(client);
    close(server);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    report("shutdown on an unconnected socket", shutdown(fd, SHUT_RDWR));
    tcp_pair(&client, &server);
    report("shutdown with how=99", shutdown(client, 99));
    close(fd);
    close(client);
    close(server);
    return 0;
}
