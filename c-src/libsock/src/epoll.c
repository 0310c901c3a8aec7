/*
 * epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait over
 * wasock's own imports (docs/abi.md): the host keeps the instance, its
 * interest list and the level/edge bookkeeping; these check the arguments
 * Linux checks on this side of the call and pass the rest through.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>

#include "wasock_abi.h"

_Static_assert(sizeof(struct epoll_event) == sizeof(wasock_epoll_event), "epoll_event layout");
_Static_assert(offsetof(struct epoll_event, data) == offsetof(wasock_epoll_event, data), "epoll_event data");
_Static_assert(EPOLL_CTL_ADD == WASOCK_EPOLL_CTL_ADD && EPOLL_CTL_DEL == WASOCK_EPOLL_CTL_DEL &&
                   EPOLL_CTL_MOD == WASOCK_EPOLL_CTL_MOD,
               "ctl operations");
_Static_assert(EPOLLIN == WASOCK_EPOLLIN && EPOLLOUT == WASOCK_EPOLLOUT && EPOLLRDHUP == WASOCK_EPOLLRDHUP &&
                   EPOLLONESHOT == WASOCK_EPOLLONESHOT && EPOLLET == WASOCK_EPOLLET,
               "event bits");

static int fail(int err) {
    errno = err;
    return -1;
}

int epoll_create1(int flags) {
    /* EPOLL_CLOEXEC is accepted: there is no exec. */
    if ((flags & ~EPOLL_CLOEXEC) != 0)
        return fail(EINVAL);
    uint32_t fd;
    int err = __wasock_epoll_create(&fd);
    return err != 0 ? fail(err) : (int)fd;
}

int epoll_create(int size) {
    if (size <= 0)
        return fail(EINVAL);
    return epoll_create1(0);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) {
    /* Linux copies the event in before any other check. */
    if (op != EPOLL_CTL_DEL && event == NULL)
        return fail(EFAULT);
    int err = __wasock_epoll_ctl(epfd, op, fd, (const wasock_epoll_event *)event);
    return err != 0 ? fail(err) : 0;
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout) {
    uint32_t n;
    int err = __wasock_epoll_wait(epfd, (wasock_epoll_event *)events, maxevents, timeout, &n);
    return err != 0 ? fail(err) : (int)n;
}

/* The signal mask is accepted and not applied: the wait is the same call. */
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *sigmask) {
    (void)sigmask;
    return epoll_wait(epfd, events, maxevents, timeout);
}
