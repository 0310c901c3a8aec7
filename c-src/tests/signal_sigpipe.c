/*
 * signal_sigpipe.c: writing to a connection (or a pipe) whose reader is
 * gone. "default": SIGPIPE ends the program (a shell sees 141); "ignore":
 * the write fails with EPIPE; "handler": the handler runs, then EPIPE.
 * A second argument "pipe" uses a pipe instead of a socket.
 */
#include <signal.h>

#include "common.h"

static volatile int handled;

static void on_pipe(int sig) {
    handled = sig;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "default";
    int use_pipe = argc > 2 && strcmp(argv[2], "pipe") == 0;
    if (strcmp(mode, "ignore") == 0)
        signal(SIGPIPE, SIG_IGN);
    else if (strcmp(mode, "handler") == 0)
        signal(SIGPIPE, on_pipe);

    int fd;
    if (use_pipe) {
        int p[2];
        check(pipe(p) == 0, "pipe");
        close(p[0]);
        fd = p[1];
    } else {
        int server;
        tcp_pair(&fd, &server);
        close(server);
        char buf[8];
        report("read the peer's EOF", read(fd, buf, sizeof buf));
    }
    printf("writing\n");
    fflush(stdout);
    int err = 0;
    for (int i = 0; i < 200; i++) {
        if (write(fd, "data", 4) < 0) {
            err = errno;
            break;
        }
        usleep(10000);
    }
    printf("write fails with: %s, handler got signal %d\n", errname(err), (int)handled);
    return 0;
}
