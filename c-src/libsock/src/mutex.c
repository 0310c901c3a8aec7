/*
 * Mutexes over the futex (thread.h): the lock word is 0 (free), 1 (held)
 * or 2 (held, and someone may be waiting). Taking a free mutex and
 * releasing one nobody waits for stay inside the guest; only a thread that
 * must wait, and the unlock that must wake it, call the host.
 */
#include <errno.h>
#include <string.h>

#include "thread.h"

/* Fields in musl's pthread_mutex_t (all zero: a free default mutex). */
#define TYPE(m) ((m)->__u.__i[0])
#define LOCK(m) ((m)->__u.__vi[1])
#define OWNER(m) ((m)->__u.__p[2])
#define COUNT(m) ((m)->__u.__i[3])

/* Where the type is kept in pthread_mutexattr_t. */
#define ATTR_TYPE(a) ((a)->__attr & 3)

int pthread_mutex_init(pthread_mutex_t *restrict m, const pthread_mutexattr_t *restrict attr) {
    memset(m, 0, sizeof *m);
    if (attr) TYPE(m) = ATTR_TYPE(attr);
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) {
    return LOCK(m) ? EBUSY : 0;
}

/* Held by the caller: what a recursive or error-checking mutex answers. */
static int relock(pthread_mutex_t *m) {
    if (TYPE(m) == PTHREAD_MUTEX_RECURSIVE) {
        if (COUNT(m) == INT_MAX) return EAGAIN;
        COUNT(m)++;
        return 0;
    }
    return EDEADLK;
}

int __wasock_mutex_lock(pthread_mutex_t *m, int64_t timeout_ns) {
    if (LOCK(m) == 0) {
        LOCK(m) = 1;
        OWNER(m) = __wasock_self;
        return 0;
    }
    /* A default mutex locked twice by its owner waits for good, as on Linux. */
    if (OWNER(m) == __wasock_self && TYPE(m) != PTHREAD_MUTEX_NORMAL) return relock(m);
    while (LOCK(m) != 0) {
        LOCK(m) = 2;
        if (__wasock_wait(&LOCK(m), 2, timeout_ns) == ETIMEDOUT && LOCK(m) != 0) return ETIMEDOUT;
    }
    /* Others may still wait: the unlock must wake the next one. */
    LOCK(m) = 2;
    OWNER(m) = __wasock_self;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m) {
    return __wasock_mutex_lock(m, -1);
}

int pthread_mutex_timedlock(pthread_mutex_t *restrict m, const struct timespec *restrict abstime) {
    if (LOCK(m) == 0) return __wasock_mutex_lock(m, 0);
    int64_t timeout;
    int err = __wasock_timeout_ns(CLOCK_REALTIME, abstime, &timeout);
    return err ? err : __wasock_mutex_lock(m, timeout);
}

int pthread_mutex_trylock(pthread_mutex_t *m) {
    if (LOCK(m) == 0) return __wasock_mutex_lock(m, 0);
    if (OWNER(m) == __wasock_self && TYPE(m) == PTHREAD_MUTEX_RECURSIVE) return relock(m);
    return EBUSY;
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
    if (TYPE(m) != PTHREAD_MUTEX_NORMAL) {
        if (LOCK(m) == 0 || OWNER(m) != __wasock_self) return EPERM;
        if (COUNT(m) > 0) {
            COUNT(m)--;
            return 0;
        }
    }
    int waiters = LOCK(m) == 2;
    OWNER(m) = 0;
    LOCK(m) = 0;
    if (waiters) __wasock_wake(&LOCK(m), 1);
    return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a) {
    a->__attr = 0;
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a) {
    (void)a;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *restrict a, int *restrict type) {
    *type = ATTR_TYPE(a);
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type) {
    if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_ERRORCHECK) return EINVAL;
    a->__attr = (a->__attr & ~3u) | (unsigned)type;
    return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *restrict a, int *restrict pshared) {
    (void)a;
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

/* One process, so a shared mutex is a private one. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared) {
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE || pshared == PTHREAD_PROCESS_SHARED ? 0 : EINVAL;
}
