/*
 * err_afnosupport.c: EAFNOSUPPORT for an unknown address family in
 * socket(), and for an address of the wrong family given to an AF_INET
 * socket's bind() and connect(). An AF_INET6 socket given an AF_INET
 * address (shorter than sockaddr_in6) answers EINVAL.
 */
#include "common.h"

int main(void) {
    report("socket(12345, SOCK_STREAM, 0)", socket(12345, SOCK_STREAM, 0));

    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    sin6.sin6_port = htons(9);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    report("bind AF_INET socket to an AF_INET6 address", bind(fd, (struct sockaddr *)&sin6, sizeof sin6));
    report("connect AF_INET socket to an AF_INET6 address", connect(fd, (struct sockaddr *)&sin6, sizeof sin6));
    close(fd);

    struct sockaddr_in sin = loopback4(9);
    fd = socket(AF_INET6, SOCK_STREAM, 0);
    report("bind AF_INET6 socket to an AF_INET address", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    report("connect AF_INET6 socket to an AF_INET address", connect(fd, (struct sockaddr *)&sin, sizeof sin));
    close(fd);

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    report("sendto AF_INET socket with an AF_INET6 address",
           sendto(udp, "x", 1, 0, (struct sockaddr *)&sin6, sizeof sin6));
    close(udp);
    return 0;
}
