/*
 * err_notconn.c: data and peer calls on a TCP socket that is not connected
 * (fresh, bound, or listening) fail with ENOTCONN.
 */
#include "common.h"

int main(void) {
    char buf[8];
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    report("recv on a fresh socket", recv(fd, buf, sizeof buf, 0));
    report("read on a fresh socket", read(fd, buf, sizeof buf));
    len = sizeof sin;
    report("getpeername on a fresh socket", getpeername(fd, (struct sockaddr *)&sin, &len));
    report("shutdown on a fresh socket", shutdown(fd, SHUT_WR));
    close(fd);

    int port;
    int lfd = listen_loopback(&port);
    report("recv on a listening socket", recv(lfd, buf, sizeof buf, 0));
    len = sizeof sin;
    report("getpeername on a listening socket", getpeername(lfd, (struct sockaddr *)&sin, &len));
    report("shutdown on a listening socket", shutdown(lfd, SHUT_RDWR));

    /* For contrast: a connected socket has a peer. */
    int client, server;
    tcp_pair(&client, &server);
    len = sizeof sin;
    report("getpeername on a connected socket", getpeername(client, (struct sockaddr *)&sin, &len));
    close(client);
    close(server);
    close(lfd);
    return 0;
}
