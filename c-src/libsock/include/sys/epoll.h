/*
 * wasock's <sys/epoll.h> (wasi-libc has none): Linux's names, values and
 * struct epoll_event, implemented by libsock's epoll.c over wasock's own
 * imports (docs/abi.md). Level- and edge-triggered as on Linux, on sockets,
 * pipes, stdin and other epoll instances.
 */
#if defined(__has_include_next) && __has_include_next(<sys/epoll.h>)
#include_next <sys/epoll.h>
#endif

#ifndef WASOCK_OVERLAY_SYS_EPOLL_H
#define WASOCK_OVERLAY_SYS_EPOLL_H
#ifndef EPOLLIN /* a sysroot with its own epoll wins */

#include <stdint.h>
#include <fcntl.h>
#define __NEED_sigset_t
#include <bits/alltypes.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EPOLL_CLOEXEC O_CLOEXEC

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLIN 0x001
#define EPOLLPRI 0x002
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLNVAL 0x020
#define EPOLLRDNORM 0x040
#define EPOLLRDBAND 0x080
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLMSG 0x400
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)

typedef union epoll_data {
    void *ptr;
    int fd;
    uint32_t u32;
    uint64_t u64;
} epoll_data_t;

struct epoll_event {
    uint32_t events;
    epoll_data_t data;
};

int epoll_create(int);
int epoll_create1(int);
int epoll_ctl(int, int, int, struct epoll_event *);
int epoll_wait(int, struct epoll_event *, int, int);
int epoll_pwait(int, struct epoll_event *, int, int, const sigset_t *);

#ifdef __cplusplus
}
#endif

#endif /* EPOLLIN */
#endif /* WASOCK_OVERLAY_SYS_EPOLL_H */
