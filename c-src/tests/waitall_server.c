/*
 * waitall_server.c (with waitall_client.c): recv(MSG_WAITALL) waits until
 * the whole buffer is filled even though the client sends in pieces with
 * pauses between them, and returns short only at EOF. Usage: waitall_server PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int lfd = listen_on(port, 5);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");

    char buf[64];
    ssize_t n = recv(fd, buf, 30, MSG_WAITALL);
    printf("recv(30, MSG_WAITALL): %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
    /* The client then sends 10 more bytes and closes: WAITALL returns short. */
    n = recv(fd, buf, 30, MSG_WAITALL);
    printf("recv(30, MSG_WAITALL) until EOF: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
    n = recv(fd, buf, 30, MSG_WAITALL);
    printf("recv at EOF: %zd\n", n);
    close(fd);
    close(lfd);
    return 0;
}
