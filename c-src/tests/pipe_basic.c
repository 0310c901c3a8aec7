/*
 * pipe_basic.c: a pipe inside one program, as the textbook's pipe chapter
 * uses it before it forks: bytes in order, a partial read, non-blocking
 * EAGAIN on both ends (a full pipe holds 64 KiB), readable and writable in
 * select and poll, EOF once the last write end is closed (a dup'd write end
 * keeps it open), EPIPE and POLLERR once the read end is gone.
 */
#define _GNU_SOURCE /* pipe2 */
#include "common.h"

#include <signal.h>
#include <sys/select.h>

static void show_poll(const char *what, int fd, short events) {
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, 0);
    printf("%s: poll %d revents%s%s%s%s\n", what, n, p.revents & POLLIN ? " POLLIN" : "",
           p.revents & POLLOUT ? " POLLOUT" : "", p.revents & POLLHUP ? " POLLHUP" : "",
           p.revents & POLLERR ? " POLLERR" : "");
}

int main(void) {
    signal(SIGPIPE, SIG_IGN); /* EPIPE, not the end of the program */
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    printf("pipe: %d, read end < write end: %d\n", 0, fds[0] < fds[1]);
    show_poll("empty, read end", fds[0], POLLIN);
    show_poll("empty, write end", fds[1], POLLOUT);

    fd_set r;
    FD_ZERO(&r);
    FD_SET(fds[0], &r);
    struct timeval tv = {0, 50000};
    printf("select on the empty read end: %d\n", select(fds[0] + 1, &r, NULL, NULL, &tv));

    const char *msg = "Who are you?";
    printf("write %zd\n", write(fds[1], msg, strlen(msg)));
    show_poll("with data, read end", fds[0], POLLIN);
    FD_ZERO(&r);
    FD_SET(fds[0], &r);
    tv.tv_usec = 50000;
    printf("select with data: %d, set %d\n", select(fds[0] + 1, &r, NULL, NULL, &tv), FD_ISSET(fds[0], &r) != 0);
    char buf[100000];
    ssize_t n = read(fds[0], buf, 4);
    printf("read 4: %zd \"%.*s\"\n", n, (int)n, buf);
    n = read(fds[0], buf, sizeof buf);
    printf("read rest: %zd \"%.*s\"\n", n, (int)n, buf);

    /* Non-blocking: EAGAIN on empty, fill to 64 KiB, then EAGAIN on full. */
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    errno = 0;
    n = read(fds[0], buf, sizeof buf);
    printf("non-blocking read of empty: %zd %s\n", n, errname(errno));
    memset(buf, 'x', sizeof buf);
    ssize_t total = 0;
    /* Page-sized writes: Linux packs smaller ones page by page (64000 bytes
     * of 1000-byte writes), wasock byte by byte (README deviations). */
    while ((n = write(fds[1], buf, 4096)) > 0)
        total += n;
    printf("filled with %zd bytes, then %s\n", total, errname(errno));
    show_poll("full, write end", fds[1], POLLOUT);
    n = read(fds[0], buf, 10000);
    printf("read %zd; writable again: ", n);
    show_poll("", fds[1], POLLOUT);
    while (read(fds[0], buf, sizeof buf) > 0) {
    }

    /* EOF only when the last write end closes. */
    int w2 = dup(fds[1]);
    close(fds[1]);
    errno = 0;
    n = read(fds[0], buf, sizeof buf);
    printf("one write end left: %zd %s\n", n, errname(errno));
    write(w2, "last", 4);
    close(w2);
    n = read(fds[0], buf, sizeof buf);
    printf("after the last close: %zd \"%.*s\"\n", n, (int)n, buf);
    show_poll("no writers", fds[0], POLLIN);
    n = read(fds[0], buf, sizeof buf);
    printf("then EOF: %zd\n", n);
    close(fds[0]);

    /* EPIPE when the read end is gone. */
    int p2[2];
    pipe2(p2, O_CLOEXEC);
    close(p2[0]);
    show_poll("no readers", p2[1], POLLOUT);
    errno = 0;
    n = write(p2[1], "x", 1);
    printf("write with no reader: %zd %s\n", n, errname(errno));
    close(p2[1]);
    errno = 0;
    int rc = pipe2(p2, 0x40000000);
    printf("pipe2 with a bad flag: %d %s\n", rc, errname(errno));
    return 0;
}
