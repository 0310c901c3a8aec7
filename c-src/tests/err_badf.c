/*
 * err_badf.c: socket calls on descriptors that are not open fail with
 * EBADF: a closed socket, -1, a large number; close() twice.
 */
#include "common.h"

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    report("close", close(fd));
    report("close again", close(fd));

    char buf[4];
    struct sockaddr_in sin = loopback4(9);
    socklen_t len = sizeof sin;
    int v = 1;
    int bad[] = {fd, -1, 1000};
    for (int i = 0; i < 3; i++) {
        printf("fd %s:\n", i == 0 ? "closed socket" : i == 1 ? "-1" : "1000");
        report("  send", send(bad[i], "x", 1, MSG_NOSIGNAL));
        report("  recv", recv(bad[i], buf, sizeof buf, 0));
        report("  read", read(bad[i], buf, sizeof buf));
        report("  write", write(bad[i], "x", 1));
        report("  bind", bind(bad[i], (struct sockaddr *)&sin, sizeof sin));
        report("  connect", connect(bad[i], (struct sockaddr *)&sin, sizeof sin));
        report("  listen", listen(bad[i], 1));
        report("  accept", accept(bad[i], NULL, NULL));
        len = sizeof sin;
        report("  getsockname", getsockname(bad[i], (struct sockaddr *)&sin, &len));
        report("  setsockopt", setsockopt(bad[i], SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
        len = sizeof v;
        report("  getsockopt", getsockopt(bad[i], SOL_SOCKET, SO_TYPE, &v, &len));
        report("  shutdown", shutdown(bad[i], SHUT_RDWR));
        report("  fcntl F_GETFL", fcntl(bad[i], F_GETFL, 0));
    }
    return 0;
}
