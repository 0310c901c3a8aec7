/*
 * select_stdin.c: select() over standard input and a socket together, the
 * shape of every interactive client. Lines from stdin go through a loopback
 * connection and come back out of its other end; EOF on stdin (select says
 * readable, read returns 0) shuts the connection down. Usage: select_stdin < input
 */
#include <sys/select.h>

#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    int stdin_open = 1, lines = 0, rounds = 0;
    char buf[256], line[256];
    size_t used = 0;

    while (rounds++ < 10000) {
        fd_set rd;
        FD_ZERO(&rd);
        if (stdin_open)
            FD_SET(0, &rd);
        FD_SET(server, &rd);
        int top = server > client ? server : client;
        struct timeval tv = {10, 0};
        int rc = select(top + 1, &rd, NULL, NULL, &tv);
        check(rc > 0, "select");
        if (stdin_open && FD_ISSET(0, &rd)) {
            ssize_t n = read(0, buf, sizeof buf);
            check(n >= 0, "read stdin");
            if (n == 0) {
                stdin_open = 0;
                shutdown(client, SHUT_WR);
            } else {
                write_all(client, buf, (size_t)n);
            }
        }
        if (FD_ISSET(server, &rd)) {
            ssize_t n = read(server, buf, sizeof buf);
            check(n >= 0, "read socket");
            if (n == 0) {
                printf("socket: EOF\n");
                break;
            }
            for (ssize_t i = 0; i < n; i++) {
                if (used < sizeof line - 1)
                    line[used++] = buf[i];
                if (buf[i] == '\n') {
                    lines++;
                    printf("socket line: %.*s", (int)used, line);
                    used = 0;
                }
            }
        }
    }
    printf("stdin reached EOF: %d, lines: %d\n", !stdin_open, lines);
    close(client);
    close(server);
    return 0;
}
