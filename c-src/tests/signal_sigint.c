/*
 * signal_sigint.c: Ctrl-C. With "handle", a SIGINT handler runs and pause()
 * returns EINTR, and the program ends on its own terms (exit 3). With
 * "default", nothing is installed and SIGINT ends the program. The test
 * sends the signal once "ready" is printed.
 */
#include <signal.h>

#include "common.h"

static volatile int got;

static void on_int(int sig) {
    got = sig;
}

int main(int argc, char **argv) {
    int handle = argc > 1 && strcmp(argv[1], "handle") == 0;
    if (handle) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_int;
        check(sigaction(SIGINT, &sa, NULL) == 0, "sigaction");
    }
    printf("ready\n");
    fflush(stdout);
    errno = 0;
    int r = pause();
    printf("pause: %d (%s), handler got signal %d\n", r, errname(errno), (int)got);
    return 3;
}
