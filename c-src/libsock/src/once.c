/*
 * pthread_once: 0 (not run), 1 (running: its routine waits somewhere and
 * other threads got a turn) or 2 (done). A thread that finds it running
 * waits on the word until the first one finishes.
 */
#include "thread.h"

int pthread_once(pthread_once_t *once, void (*routine)(void)) {
    volatile int32_t *word = (volatile int32_t *)once;
    if (*word == 2) return 0;
    while (*word == 1) __wasock_wait(word, 1, -1);
    if (*word == 0) {
        *word = 1;
        routine();
        *word = 2;
        __wasock_wake(word, UINT32_MAX);
    }
    return 0;
}
