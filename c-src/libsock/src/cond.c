/*
 * Condition variables over the futex (thread.h): a waiter notes the
 * sequence word, releases the mutex and waits while the word is unchanged;
 * signal and broadcast move the word and wake one or all. No other thread
 * runs between the note and the wait (green threads switch only inside the
 * wait), so no wake-up can be lost in between.
 */
#include <errno.h>
#include <string.h>

#include "thread.h"

/* Fields in musl's pthread_cond_t (all zero: CLOCK_REALTIME, no waiters). */
#define SEQ(c) ((c)->__u.__vi[0])
#define WAITERS(c) ((c)->__u.__i[1])
#define MONOTONIC(c) ((c)->__u.__i[2])

/* wasi-libc's clockid_t is a pointer: the attribute keeps a flag instead. */
#define ATTR_MONOTONIC(a) ((a)->__attr & 1)
#define CLOCK_OF(monotonic) ((monotonic) ? CLOCK_MONOTONIC : CLOCK_REALTIME)

int pthread_cond_init(pthread_cond_t *restrict c, const pthread_condattr_t *restrict attr) {
    memset(c, 0, sizeof *c);
    if (attr) MONOTONIC(c) = ATTR_MONOTONIC(attr);
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) {
    return WAITERS(c) ? EBUSY : 0;
}

int pthread_cond_timedwait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m, const struct timespec *restrict abstime) {
    int64_t timeout;
    int err = __wasock_timeout_ns(CLOCK_OF(MONOTONIC(c)), abstime, &timeout);
    if (err) return err;
    int32_t seq = SEQ(c);
    WAITERS(c)++;
    err = pthread_mutex_unlock(m);
    if (err) {
        WAITERS(c)--;
        return err;
    }
    int waited = __wasock_wait(&SEQ(c), seq, timeout);
    WAITERS(c)--;
    __wasock_mutex_lock(m, -1);
    return waited == ETIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m) {
    return pthread_cond_timedwait(c, m, NULL);
}

int pthread_cond_signal(pthread_cond_t *c) {
    if (WAITERS(c)) {
        SEQ(c)++;
        __wasock_wake(&SEQ(c), 1);
    }
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c) {
    if (WAITERS(c)) {
        SEQ(c)++;
        __wasock_wake(&SEQ(c), UINT32_MAX);
    }
    return 0;
}

int pthread_condattr_init(pthread_condattr_t *a) {
    a->__attr = 0;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a) {
    (void)a;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *restrict a, clockid_t *restrict clock) {
    *clock = CLOCK_OF(ATTR_MONOTONIC(a));
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock) {
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) return EINVAL;
    a->__attr = clock == CLOCK_MONOTONIC;
    return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *restrict a, int *restrict pshared) {
    (void)a;
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared) {
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE || pshared == PTHREAD_PROCESS_SHARED ? 0 : EINVAL;
}
