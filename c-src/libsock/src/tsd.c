/*
 * Thread-specific data: each key is an index into every thread's
 * `specific` array (thread.h); a key's destructor runs for each non-NULL
 * value when its thread ends, up to PTHREAD_DESTRUCTOR_ITERATIONS rounds.
 */
#include <errno.h>

#include "thread.h"

/* A key in use: its destructor, or no_destructor. */
static void (*destructors[PTHREAD_KEYS_MAX])(void *);
static unsigned char used[PTHREAD_KEYS_MAX];

static void no_destructor(void *value) {
    (void)value;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
        if (used[k]) continue;
        used[k] = 1;
        destructors[k] = destructor ? destructor : no_destructor;
        *key = k;
        return 0;
    }
    return EAGAIN;
}

/* Only the calling thread's value is cleared: another thread's value under
 * a deleted key shows again if the index is reused for a new key (POSIX
 * wants NULL there; libsock keeps no list of threads to clear). */
int pthread_key_delete(pthread_key_t key) {
    if (key >= PTHREAD_KEYS_MAX || !used[key]) return EINVAL;
    used[key] = 0;
    destructors[key] = 0;
    __wasock_self->specific[key] = 0;
    return 0;
}

void *pthread_getspecific(pthread_key_t key) {
    return key < PTHREAD_KEYS_MAX && used[key] ? __wasock_self->specific[key] : 0;
}

int pthread_setspecific(pthread_key_t key, const void *value) {
    if (key >= PTHREAD_KEYS_MAX || !used[key]) return EINVAL;
    __wasock_self->specific[key] = (void *)value;
    return 0;
}

void __wasock_tsd_run_destructors(struct __pthread *self) {
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
            void *value = self->specific[k];
            if (!used[k] || !value) continue;
            self->specific[k] = 0;
            destructors[k](value);
            ran = 1;
        }
        if (!ran) return;
    }
}
