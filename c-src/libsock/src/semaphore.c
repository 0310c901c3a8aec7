/*
 * Unnamed semaphores over the futex (thread.h): the value word, and a count
 * of waiters so that sem_post calls the host only when someone waits.
 */
#include <errno.h>
#include <limits.h>
#include <semaphore.h>

#include "thread.h"

/* Fields in musl's sem_t. */
#define VALUE(s) ((s)->__val[0])
#define WAITERS(s) ((s)->__val[1])

static int fail(int err) {
    errno = err;
    return -1;
}

int sem_init(sem_t *s, int pshared, unsigned value) {
    (void)pshared; /* one process: shared or not is the same */
    if (value > SEM_VALUE_MAX) return fail(EINVAL);
    VALUE(s) = (int)value;
    WAITERS(s) = 0;
    return 0;
}

int sem_destroy(sem_t *s) {
    (void)s;
    return 0;
}

int sem_getvalue(sem_t *restrict s, int *restrict value) {
    *value = VALUE(s);
    return 0;
}

int sem_post(sem_t *s) {
    if (VALUE(s) == SEM_VALUE_MAX) return fail(EOVERFLOW);
    VALUE(s)++;
    if (WAITERS(s)) __wasock_wake((volatile int32_t *)&VALUE(s), 1);
    return 0;
}

int sem_trywait(sem_t *s) {
    if (VALUE(s) == 0) return fail(EAGAIN);
    VALUE(s)--;
    return 0;
}

int sem_timedwait(sem_t *restrict s, const struct timespec *restrict abstime) {
    if (VALUE(s) == 0) {
        int64_t timeout;
        int err = __wasock_timeout_ns(CLOCK_REALTIME, abstime, &timeout);
        if (err) return fail(err);
        while (VALUE(s) == 0) {
            WAITERS(s)++;
            err = __wasock_wait((volatile int32_t *)&VALUE(s), 0, timeout);
            WAITERS(s)--;
            if (err == ETIMEDOUT && VALUE(s) == 0) return fail(ETIMEDOUT);
        }
    }
    VALUE(s)--;
    return 0;
}

int sem_wait(sem_t *s) {
    return sem_timedwait(s, NULL);
}
