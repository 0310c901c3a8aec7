/*
 * err_addrinuse.c: bind() to a port another socket is listening on fails
 * with EADDRINUSE, with or without SO_REUSEADDR; a UDP bind to a bound UDP
 * port too. After the listener closes, the port can be bound again.
 */
#include "common.h"

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    struct sockaddr_in sin = loopback4(port);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    report("bind to a listening port", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    report("bind with SO_REUSEADDR to a listening port", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    close(fd);

    close(lfd);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    report("bind after the listener closed", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    report("listen", listen(fd, 5));
    close(fd);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = loopback4(0);
    check(bind(u1, (struct sockaddr *)&any, sizeof any) == 0, "bind udp");
    struct sockaddr_in same = loopback4(local_port(u1));
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    report("UDP bind to a bound port", bind(u2, (struct sockaddr *)&same, sizeof same));
    close(u1);
    close(u2);
    return 0;
}
