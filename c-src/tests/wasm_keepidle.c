/*
 * wasm_keepidle.c PORT SECONDS before|after: a TCP client with SO_KEEPALIVE
 * and TCP_KEEPIDLE SECONDS, set before connect() or on the live connection,
 * that then waits for the server to close. test/keepidle.test.ts reads the
 * kernel's keep-alive timer of the connection with ss(8): the idle time
 * must reach the host's real socket, not only read back in the guest.
 */
#include <netinet/tcp.h>

#include "common.h"

static void keepalive(int fd, int idle) {
    int on = 1;
    check(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == 0, "SO_KEEPALIVE");
    check(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0, "TCP_KEEPIDLE");
}

int main(int argc, char *argv[]) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 4)
        return 2;
    int idle = atoi(argv[2]);
    int before = strcmp(argv[3], "before") == 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    if (before)
        keepalive(fd, idle);
    struct sockaddr_in sin = loopback4(atoi(argv[1]));
    check(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "connect");
    if (!before)
        keepalive(fd, idle);
    printf("keep-alive on, idle %d s\n", idle);
    char buf[16];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    printf("closed\n");
    return 0;
}
