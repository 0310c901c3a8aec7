/*
 * poll() over poll_oneoff, reporting what Linux reports for sockets.
 *
 * wasi-libc's poll() turns an event carrying an error into POLLERR alone and
 * drops POLLOUT whenever POLLHUP is set, so a reset connection could never
 * show POLLIN|POLLERR|POLLHUP, nor a refused non-blocking connect POLLOUT.
 * Here an event means "ready": its error adds POLLERR and its hang-up flag
 * adds POLLHUP to the POLLIN or POLLOUT it answers, as tcp_poll() does.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <wasi/api.h>

#define STACK_FDS 64
#define CLOCK_USERDATA UINT64_MAX

static int is_socket(int fd) {
    __wasi_fdstat_t st;
    return __wasi_fd_fdstat_get(fd, &st) == 0 &&
           (st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM || st.fs_filetype == __WASI_FILETYPE_SOCKET_DGRAM);
}

/* One subscription per requested direction: userdata = index * 2 + (write). */
static size_t subscribe(struct pollfd *fds, nfds_t nfds, __wasi_subscription_t *subs) {
    size_t n = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        if (fds[i].events & POLLIN) {
            subs[n].userdata = (uint64_t)i * 2;
            subs[n].u.tag = __WASI_EVENTTYPE_FD_READ;
            subs[n].u.u.fd_read.file_descriptor = (__wasi_fd_t)fds[i].fd;
            n++;
        }
        if (fds[i].events & POLLOUT) {
            subs[n].userdata = (uint64_t)i * 2 + 1;
            subs[n].u.tag = __WASI_EVENTTYPE_FD_WRITE;
            subs[n].u.u.fd_write.file_descriptor = (__wasi_fd_t)fds[i].fd;
            n++;
        }
    }
    return n;
}

static int wait_events(struct pollfd *fds, nfds_t nfds, int timeout,
                       __wasi_subscription_t *subs, __wasi_event_t *events) {
    size_t n = subscribe(fds, nfds, subs);
    subs[n].userdata = CLOCK_USERDATA;
    subs[n].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[n].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    /* No timeout: a clock that never fires, so an empty poll still blocks. */
    subs[n].u.u.clock.timeout = timeout < 0 ? UINT64_MAX : (uint64_t)timeout * 1000000u;
    subs[n].u.u.clock.precision = 0;
    subs[n].u.u.clock.flags = 0;
    /* With a negative timeout and something to wait for, leave the clock out. */
    size_t count = (timeout < 0 && n > 0) ? n : n + 1;

    __wasi_size_t nevents = 0;
    __wasi_errno_t err = __wasi_poll_oneoff(subs, events, count, &nevents);
    if (err != 0) {
        errno = err;
        return -1;
    }
    for (__wasi_size_t e = 0; e < nevents; e++) {
        const __wasi_event_t *ev = &events[e];
        if (ev->type == __WASI_EVENTTYPE_CLOCK)
            continue;
        struct pollfd *p = &fds[ev->userdata / 2];
        if (ev->error == __WASI_ERRNO_BADF) {
            p->revents |= POLLNVAL;
            continue;
        }
        int hangup = (ev->fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) != 0;
        /* A pipe with nothing left and no writer is POLLHUP alone on Linux;
         * a socket at EOF is readable as well. */
        if (hangup && !(ev->userdata & 1) && ev->fd_readwrite.nbytes == 0 && !is_socket(p->fd)) {
            p->revents |= POLLHUP;
            continue;
        }
        p->revents |= (ev->userdata & 1) ? POLLOUT : POLLIN;
        if (ev->error != 0)
            p->revents |= POLLERR;
        if (hangup)
            p->revents |= POLLHUP;
    }
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++)
        if (fds[i].revents != 0)
            ready++;
    return ready;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
    if (nfds > 0 && fds == NULL) {
        errno = EFAULT;
        return -1;
    }
    if (nfds <= STACK_FDS) {
        __wasi_subscription_t subs[STACK_FDS * 2 + 1];
        __wasi_event_t events[STACK_FDS * 2 + 1];
        return wait_events(fds, nfds, timeout, subs, events);
    }
    if (nfds > (SIZE_MAX / sizeof(__wasi_subscription_t) - 1) / 2) {
        errno = EINVAL;
        return -1;
    }
    __wasi_subscription_t *subs = malloc((nfds * 2 + 1) * sizeof *subs);
    __wasi_event_t *events = malloc((nfds * 2 + 1) * sizeof *events);
    int rc;
    if (subs == NULL || events == NULL) {
        errno = ENOMEM;
        rc = -1;
    } else {
        rc = wait_events(fds, nfds, timeout, subs, events);
    }
    free(subs);
    free(events);
    return rc;
}
