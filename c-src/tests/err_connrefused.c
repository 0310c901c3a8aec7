/*
 * err_connrefused.c: connect() to a loopback port nobody listens on fails
 * with ECONNREFUSED (TCP, both families); a connected UDP socket learns of
 * the refusal on its next recv().
 */
#include "common.h"

int main(void) {
    int port = closed_port();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = loopback4(port);
    report("connect to a closed port", connect(fd, (struct sockaddr *)&sin, sizeof sin));
    int err = -1;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("SO_ERROR after a failed blocking connect: %s\n", errname(err));
    close(fd);

    int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    sin6.sin6_port = htons(port);
    report("connect to [::1] closed port", connect(fd6, (struct sockaddr *)&sin6, sizeof sin6));
    close(fd6);

    /* The same socket may try again: a second refused connect. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    report("first attempt", connect(fd, (struct sockaddr *)&sin, sizeof sin));
    report("second attempt, same socket", connect(fd, (struct sockaddr *)&sin, sizeof sin));
    close(fd);
    return 0;
}
