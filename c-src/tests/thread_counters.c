/*
 * Mutex and semaphore counters, the textbook's way: threads add to one
 * shared counter under a lock, and the total is exact. Then the mutex
 * kinds' answers (trylock, recursive, error-checking), a semaphore's
 * trywait and timedwait, and a condition variable's timedwait timeout.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 10
#define ROUNDS 20000

static long counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t sem;
static long sem_counter;

static void *add_locked(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        long v = counter;
        /* Every so often, wait while holding the lock: the others must queue. */
        if (i % 5000 == 0) usleep(1000);
        counter = v + 1;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *add_with_sem(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        sem_wait(&sem);
        long v = sem_counter;
        if (i % 5000 == 0) usleep(1000);
        sem_counter = v + 1;
        sem_post(&sem);
    }
    return NULL;
}

static void run(void *(*fn)(void *)) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        if (pthread_create(&t[i], NULL, fn, NULL) != 0) {
            puts("pthread_create() error");
            return;
        }
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
}

static const char *name(int err) {
    switch (err) {
    case 0: return "0";
    case EBUSY: return "EBUSY";
    case EDEADLK: return "EDEADLK";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EINVAL: return "EINVAL";
    default: return "other";
    }
}

static void *try_other(void *m) {
    return (void *)(long)pthread_mutex_trylock(m);
}

int main(void) {
    run(add_locked);
    printf("mutex counter: %ld (expected %ld)\n", counter, (long)THREADS * ROUNDS);
    sem_init(&sem, 0, 1);
    run(add_with_sem);
    printf("semaphore counter: %ld (expected %ld)\n", sem_counter, (long)THREADS * ROUNDS);

    /* trylock on a mutex another thread holds */
    pthread_mutex_lock(&lock);
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, try_other, &lock);
    pthread_join(t, &r);
    printf("trylock while held by another thread: %s\n", name((int)(long)r));
    pthread_mutex_unlock(&lock);
    printf("trylock when free: %s\n", name(pthread_mutex_trylock(&lock)));
    pthread_mutex_unlock(&lock);

    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rec;
    pthread_mutex_init(&rec, &attr);
    int a = pthread_mutex_lock(&rec), b = pthread_mutex_lock(&rec), c = pthread_mutex_trylock(&rec);
    printf("recursive: lock %s, again %s, trylock %s\n", name(a), name(b), name(c));
    a = pthread_mutex_unlock(&rec), b = pthread_mutex_unlock(&rec), c = pthread_mutex_unlock(&rec);
    printf("recursive: unlock %s %s %s, once more %s\n", name(a), name(b), name(c), name(pthread_mutex_unlock(&rec)));

    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t chk;
    pthread_mutex_init(&chk, &attr);
    printf("errorcheck: unlock unlocked %s\n", name(pthread_mutex_unlock(&chk)));
    a = pthread_mutex_lock(&chk);
    printf("errorcheck: lock %s, again %s\n", name(a), name(pthread_mutex_lock(&chk)));
    pthread_create(&t, NULL, try_other, &chk);
    pthread_join(t, &r);
    printf("errorcheck: trylock from another thread %s\n", name((int)(long)r));
    printf("errorcheck: destroy while locked %s\n", name(pthread_mutex_destroy(&chk)));
    pthread_mutex_unlock(&chk);
    printf("errorcheck: destroy %s\n", name(pthread_mutex_destroy(&chk)));

    sem_t s2;
    sem_init(&s2, 0, 2);
    int v;
    sem_getvalue(&s2, &v);
    printf("sem_init 2: value %d\n", v);
    a = sem_trywait(&s2);
    b = sem_trywait(&s2);
    c = sem_trywait(&s2);
    printf("trywait x3: %d %d %d (%s)\n", a, b, c, name(errno));
    struct timespec when;
    clock_gettime(CLOCK_REALTIME, &when);
    when.tv_nsec += 50 * 1000000;
    if (when.tv_nsec >= 1000000000) {
        when.tv_sec++;
        when.tv_nsec -= 1000000000;
    }
    errno = 0;
    a = sem_timedwait(&s2, &when);
    printf("timedwait on 0: %d (%s)\n", a, name(errno));
    sem_post(&s2);
    sem_getvalue(&s2, &v);
    printf("after post: value %d, timedwait %d\n", v, sem_timedwait(&s2, &when));
    sem_destroy(&s2);

    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&lock);
    clock_gettime(CLOCK_REALTIME, &when);
    when.tv_nsec += 20 * 1000000;
    if (when.tv_nsec >= 1000000000) {
        when.tv_sec++;
        when.tv_nsec -= 1000000000;
    }
    printf("cond_timedwait with nobody to signal: %s\n", name(pthread_cond_timedwait(&cond, &lock, &when)));
    printf("mutex held again after the timeout: trylock from another thread %s\n",
           (pthread_create(&t, NULL, try_other, &lock), pthread_join(t, &r), name((int)(long)r)));
    pthread_mutex_unlock(&lock);
    return 0;
}
