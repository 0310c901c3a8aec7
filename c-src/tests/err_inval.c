/*
 * err_inval.c: EINVAL where Linux gives it: binding a socket twice, an
 * address length that is too short, accept() on a socket that is not
 * listening, an unknown socket type, a short setsockopt value; and
 * EOPNOTSUPP for listen() on a UDP socket.
 */
#include "common.h"

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = loopback4(0);
    report("bind", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    report("bind again", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    report("accept on a bound, not listening socket", accept(fd, NULL, NULL));
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM, 0);
    report("bind with addrlen 4", bind(fd, (struct sockaddr *)&sin, 4));
    report("connect with addrlen 4", connect(fd, (struct sockaddr *)&sin, 4));
    report("accept on a fresh socket", accept(fd, NULL, NULL));
    int v = 1;
    report("setsockopt SO_KEEPALIVE with optlen 2", setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, 2));
    close(fd);

    report("socket(AF_INET, 999, 0)", socket(AF_INET, 999, 0));
    report("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    report("listen on UDP", listen(udp, 5));
    report("accept on UDP", accept(udp, NULL, NULL));
    close(udp);
    return 0;
}
