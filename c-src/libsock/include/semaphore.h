/*
 * wasock overlay for <semaphore.h>: wasi-libc declares the unnamed
 * semaphores but implements none of them; libsock does (semaphore.c, over
 * its green threads). Named semaphores (sem_open) are not provided.
 */
#include_next <semaphore.h>

#ifndef WASOCK_OVERLAY_SEMAPHORE_H
#define WASOCK_OVERLAY_SEMAPHORE_H

/* wasi-libc's <limits.h> leaves it out, having no semaphores. */
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 0x7fffffff
#endif

#endif /* WASOCK_OVERLAY_SEMAPHORE_H */
