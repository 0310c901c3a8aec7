/*
 * wasm_socket_flood.c: opens sockets until socket() fails (the host's
 * --max-sockets cap: EMFILE), mixing stream and datagram sockets, then
 * closes three and opens three again. Used by test/host-limits.test.ts
 * (natively the limit is the fd limit, so there is nothing to compare).
 * Usage: wasm_socket_flood [LIMIT]   (stops at LIMIT sockets; default 70000)
 */
#include "common.h"

#define MOST 70000

static int fds[MOST];

int main(int argc, char **argv) {
    int limit = argc > 1 ? atoi(argv[1]) : MOST;
    if (limit < 1 || limit > MOST)
        limit = MOST;
    int n = 0, err = 0;
    while (n < limit) {
        int fd = socket(AF_INET, n % 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (fd < 0) {
            err = errno;
            break;
        }
        fds[n++] = fd;
    }
    printf("opened %d sockets, then %s\n", n, errname(err));
    /* A failed socket() changes nothing: it fails again the same way. */
    int again = socket(AF_INET6, SOCK_STREAM, 0);
    printf("socket() again: %s\n", again < 0 ? errname(errno) : "opened");
    if (again >= 0)
        close(again);
    if (n < 3)
        return 1;
    for (int i = 0; i < 3; i++)
        check(close(fds[n - 1 - i]) == 0, "close");
    int reopened = 0;
    for (int i = 0; i < 3; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0)
            reopened++;
    }
    printf("after closing 3: reopened %d\n", reopened);
    int extra = socket(AF_INET, SOCK_STREAM, 0);
    printf("and one more: %s\n", extra < 0 ? errname(errno) : "opened");
    /* The sockets still work: a listener and a connection to it. */
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    int client, server;
    tcp_pair(&client, &server);
    write_all(client, "ping", 4);
    char buf[4];
    printf("a connection after the flood: %s\n", read_full(server, buf, 4) == 4 && memcmp(buf, "ping", 4) == 0 ? "works" : "broken");
    return 0;
}
