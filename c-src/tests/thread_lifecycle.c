/*
 * A thread's life: create and join with a result, pthread_exit from deep
 * inside, detach, self/equal, pthread_once, thread-specific data with
 * destructors, errno kept per thread, and thousands of threads created and
 * joined (or detached) in a loop, so their stacks and slots are reused.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *square(void *arg) {
    long n = (long)arg;
    return (void *)(n * n);
}

static long deep_exit(int depth) {
    if (depth < 0) return 0;
    if (depth == 0) pthread_exit((void *)42L);
    return deep_exit(depth - 1) + 1;
}

static void *exits_deep(void *arg) {
    (void)arg;
    deep_exit(10);
    return (void *)1L;
}

static pthread_t seen_self;
static void *remember_self(void *arg) {
    (void)arg;
    seen_self = pthread_self();
    return NULL;
}

static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_once(void) {
    once_runs++;
    usleep(2000); /* the other threads arrive meanwhile and must wait */
}
static void *call_once(void *arg) {
    (void)arg;
    pthread_once(&once, init_once);
    return (void *)(long)once_runs;
}

static pthread_key_t key;
static int destroyed;
static void destroy(void *value) {
    destroyed += (int)(long)value;
}
static void *use_key(void *arg) {
    pthread_setspecific(key, arg);
    usleep(1000);
    return pthread_getspecific(key) == arg ? (void *)1L : NULL;
}

/* errno is per thread: each thread sets its own, waits while the others set
 * theirs, and finds its own still there. */
static sem_t turn;
static void *keeps_errno(void *arg) {
    errno = (int)(long)arg;
    sem_post(&turn);
    usleep(3000);
    return (void *)(long)(errno == (int)(long)arg);
}

static sem_t detached_done;
static void *detached(void *arg) {
    (void)arg;
    sem_post(&detached_done);
    return NULL;
}

int main(void) {
    pthread_t t[8];
    void *r;
    long sum = 0;
    for (long i = 0; i < 8; i++) pthread_create(&t[i], NULL, square, (void *)i);
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("sum of squares 0..7 from 8 threads: %ld\n", sum);

    pthread_create(&t[0], NULL, exits_deep, NULL);
    pthread_join(t[0], &r);
    printf("pthread_exit from 10 calls deep: %ld\n", (long)r);

    pthread_create(&t[0], NULL, remember_self, NULL);
    pthread_join(t[0], NULL);
    printf("pthread_self in the thread equals what create gave: %d, equals main's: %d\n",
           pthread_equal(seen_self, t[0]) != 0, pthread_equal(seen_self, pthread_self()) != 0);
    printf("join self: %s\n", pthread_join(pthread_self(), NULL) == EDEADLK ? "EDEADLK" : "other");

    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, call_once, NULL);
    int all_saw_one = 1;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], &r);
        all_saw_one &= (long)r == 1;
    }
    printf("pthread_once from 4 threads: ran %d time(s), every thread saw it done: %d\n", once_runs, all_saw_one);

    pthread_key_create(&key, destroy);
    pthread_setspecific(key, (void *)1000L);
    int kept = 0;
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, use_key, (void *)(i + 1));
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], &r);
        kept += (int)(long)r;
    }
    printf("thread-specific data: %d of 4 threads kept their value, destructors got %d, main's value %ld\n", kept, destroyed,
           (long)pthread_getspecific(key));

    sem_init(&turn, 0, 0);
    errno = 0;
    for (long i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, keeps_errno, (void *)(i + 1));
        sem_wait(&turn);
    }
    int own = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], &r);
        own += (int)(long)r;
    }
    printf("errno per thread: %d of 4 threads kept their own; main's errno still %d\n", own, errno);

    long total = 0;
    for (long i = 0; i < 3000; i++) {
        pthread_t one;
        if (pthread_create(&one, NULL, square, (void *)(i % 10)) != 0) {
            printf("create %ld failed\n", i);
            return 1;
        }
        pthread_join(one, &r);
        total += (long)r;
    }
    printf("3000 threads created and joined one by one: %ld\n", total);

    for (int round = 0; round < 20; round++) {
        pthread_t many[50];
        for (long i = 0; i < 50; i++) pthread_create(&many[i], NULL, square, (void *)i);
        for (int i = 0; i < 50; i++) pthread_join(many[i], NULL);
    }
    printf("20 rounds of 50 threads alive at once: done\n");

    sem_init(&detached_done, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int i = 0; i < 1000; i++) {
        pthread_t d;
        if (i % 2) {
            pthread_create(&d, &attr, detached, NULL);
        } else {
            pthread_create(&d, NULL, detached, NULL);
            pthread_detach(d);
        }
    }
    for (int i = 0; i < 1000; i++) sem_wait(&detached_done);
    printf("1000 detached threads ended\n");
    return 0;
}
