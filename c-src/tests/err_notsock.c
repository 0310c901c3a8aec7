/*
 * err_notsock.c: socket calls on a descriptor that is open but is not a
 * socket (a regular file) fail with ENOTSOCK. Usage: err_notsock FILE
 */
#include "common.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s file\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    check(fd >= 0, "open");
    struct sockaddr_in sin = loopback4(9);
    socklen_t len;
    int v = 1;
    char buf[4];
    report("bind", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    report("connect", connect(fd, (struct sockaddr *)&sin, sizeof sin));
    report("listen", listen(fd, 1));
    report("accept", accept(fd, NULL, NULL));
    len = sizeof sin;
    report("getsockname", getsockname(fd, (struct sockaddr *)&sin, &len));
    len = sizeof sin;
    report("getpeername", getpeername(fd, (struct sockaddr *)&sin, &len));
    report("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
    len = sizeof v;
    report("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
    report("shutdown", shutdown(fd, SHUT_RDWR));
    report("send", send(fd, "x", 1, MSG_NOSIGNAL));
    report("recv", recv(fd, buf, sizeof buf, 0));
    report("sendto", sendto(fd, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&sin, sizeof sin));
    len = sizeof sin;
    report("recvfrom", recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&sin, &len));
    /* The file itself is fine. */
    ssize_t n = read(fd, buf, sizeof buf);
    printf("read from the file: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
    close(fd);
    return 0;
}
