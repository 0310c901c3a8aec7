/*
 * wasm_tcplisten.c: a server that never calls socket(), bind() or listen():
 * it serves on listeners the runtime opened and handed over as preopened
 * descriptors (wasock's and wasmtime's --tcplisten). For each fd named on
 * the command line (default 3) it accepts one connection, reads a line and
 * answers "fd N: LINE". Tested in test/tcplisten.test.ts.
 */
#include "common.h"

int main(int argc, char *argv[]) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int count = argc > 1 ? argc - 1 : 1;
    for (int i = 0; i < count; i++) {
        int fd = argc > 1 ? atoi(argv[i + 1]) : 3;
        struct sockaddr_storage local;
        socklen_t len = sizeof local;
        check(getsockname(fd, (struct sockaddr *)&local, &len) == 0, "getsockname");
        printf("fd %d listens on %s\n", fd, addr_text((struct sockaddr *)&local));
        struct sockaddr_storage peer;
        len = sizeof peer;
        int conn = accept(fd, (struct sockaddr *)&peer, &len);
        check(conn >= 0, "accept");
        printf("fd %d accepted %s\n", fd, addr_text((struct sockaddr *)&peer));
        char line[256];
        size_t n = 0;
        while (n < sizeof line - 1) {
            ssize_t r = read(conn, line + n, 1);
            check(r >= 0, "read");
            if (r == 0 || line[n] == '\n')
                break;
            n++;
        }
        line[n] = '\0';
        char reply[300];
        int m = snprintf(reply, sizeof reply, "fd %d: %s\n", fd, line);
        check(write(conn, reply, m) == m, "write");
        close(conn);
    }
    return 0;
}
