/*
 * select() on top of poll(), with Linux's rules: readable means
 * POLLIN|POLLHUP|POLLERR, writable POLLOUT|POLLERR, and the exception set
 * (urgent data, which wasock never has) may be passed and comes back empty.
 * wasi-libc's own select() refuses a non-empty exception set with ENOSYS,
 * which broke ordinary servers that pass one. The timeout is updated with
 * the time left, as Linux does.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/select.h>
#include <time.h>
#include <wasi/api.h>

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int in_set(int fd, fd_set *set) {
    return set != NULL && FD_ISSET(fd, set);
}

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout) {
    if (nfds < 0 || nfds > FD_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    if (timeout != NULL && (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)) {
        errno = EINVAL;
        return -1;
    }
    struct pollfd *fds = malloc(sizeof *fds * (nfds > 0 ? (size_t)nfds : 1));
    if (fds == NULL) {
        errno = ENOMEM;
        return -1;
    }
    int n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        int r = in_set(fd, readfds), w = in_set(fd, writefds), x = in_set(fd, exceptfds);
        if (!r && !w && !x)
            continue;
        /* Every fd named must exist, even one only in the exception set. */
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) != 0) {
            free(fds);
            errno = EBADF;
            return -1;
        }
        fds[n].fd = fd;
        fds[n].events = (short)((r ? POLLIN : 0) | (w ? POLLOUT : 0));
        n++;
    }
    int ms = -1;
    if (timeout != NULL) {
        long long total = (long long)timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000;
        ms = total > 0x7fffffff ? 0x7fffffff : (int)total;
    }
    long long started = now_ms();
    int rc = poll(fds, (nfds_t)n, ms);
    if (rc < 0) {
        free(fds);
        return -1;
    }
    if (readfds != NULL)
        FD_ZERO(readfds);
    if (writefds != NULL)
        FD_ZERO(writefds);
    if (exceptfds != NULL)
        FD_ZERO(exceptfds);
    int count = 0;
    for (int i = 0; i < n; i++) {
        short re = fds[i].revents;
        if ((fds[i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR))) {
            FD_SET(fds[i].fd, readfds);
            count++;
        }
        if ((fds[i].events & POLLOUT) && (re & (POLLOUT | POLLERR))) {
            FD_SET(fds[i].fd, writefds);
            count++;
        }
    }
    free(fds);
    if (timeout != NULL) {
        long long left = (long long)timeout->tv_sec * 1000000 + timeout->tv_usec - (now_ms() - started) * 1000;
        if (left < 0)
            left = 0;
        timeout->tv_sec = (time_t)(left / 1000000);
        timeout->tv_usec = (suseconds_t)(left % 1000000);
    }
    return count;
}
