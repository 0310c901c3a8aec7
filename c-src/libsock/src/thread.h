/*
 * Green threads inside libsock (not a public header): the thread control
 * block, the running thread, and the futex every wait is built on.
 *
 * No two threads ever run at once: the host switches only inside the
 * imports that wait (wasock_futex_wait, socket and pipe reads, sleeps...),
 * so code between two such calls is atomic, and the locks below are plain
 * loads and stores. An uncontended lock or unlock never calls the host.
 */
#ifndef WASOCK_THREAD_H
#define WASOCK_THREAD_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "wasock_abi.h"

/* pthread_t points at one of these (the main thread's is static). */
struct __pthread {
    /* What __wasock_thread_switch saves while the thread is switched out:
     * its shadow-stack pointer and its errno (wasi-libc's errno is one
     * global in a build without threads). */
    uint32_t sp;
    int err;
    void *(*start)(void *);
    void *arg;
    void *result;
    /* Futex word: 0 while the thread runs, 1 once it has ended (join waits on it). */
    volatile int32_t ended;
    int detached;
    /* The malloc'ed block holding this structure and the thread's stack
     * (NULL for the main thread). */
    void *block;
    void *specific[PTHREAD_KEYS_MAX];
};

/* The thread running now (pthread.c). */
extern struct __pthread *__wasock_self;

/*
 * A timeout for the futex: nanoseconds from now until the absolute time
 * `abstime` on `clock` (0 when it has passed), or -1 for no limit (NULL).
 * EINVAL for a tv_nsec out of range.
 */
int __wasock_timeout_ns(clockid_t clock, const struct timespec *abstime, int64_t *out);

/* The futex: 0 when woken, EAGAIN when *addr != expected, ETIMEDOUT. */
static inline int __wasock_wait(volatile int32_t *addr, int32_t expected, int64_t timeout_ns) {
    return __wasock_futex_wait(addr, expected, timeout_ns);
}

static inline void __wasock_wake(volatile int32_t *addr, uint32_t n) {
    __wasock_futex_wake(addr, n);
}

/* Mutex internals cond.c shares (mutex.c): lock with an optional timeout. */
int __wasock_mutex_lock(pthread_mutex_t *m, int64_t timeout_ns);

#endif /* WASOCK_THREAD_H */
