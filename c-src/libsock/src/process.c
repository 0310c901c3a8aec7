/*
 * fork(), wait(), waitpid(): a WebAssembly instance cannot copy itself into
 * a second process, so fork() fails with ENOSYS, after one line on stderr
 * that says so and what to do instead (a fork-per-client server otherwise
 * just prints its own "fork() error"). With no children, wait() and
 * waitpid() fail with ECHILD, as they do natively for a process that has
 * none.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORK_MESSAGE                                                                    \
    "wasock: fork() is not available: WebAssembly has no way to copy a running program " \
    "into a second process; serve clients from one process (select, poll, epoll), from "  \
    "threads (pthread_create), or run several wasock processes\n"

pid_t fork(void) {
    static const char message[] = FORK_MESSAGE;
    write(STDERR_FILENO, message, sizeof message - 1);
    errno = ENOSYS;
    return -1;
}

pid_t wait(int *status) {
    (void)status;
    errno = ECHILD;
    return -1;
}

pid_t waitpid(pid_t pid, int *status, int options) {
    (void)pid;
    (void)status;
    (void)options;
    errno = ECHILD;
    return -1;
}
