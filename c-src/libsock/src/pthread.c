/*
 * pthread_create/join/detach/exit/self as green threads (thread.h, README
 * "Threads"). A new thread gets a malloc'ed stack of its own for the C
 * shadow stack; the host runs it as its own call into the instance
 * (entry) once the creating thread waits, and calls switch_to whenever it
 * hands the instance from one thread to another, so that each thread finds
 * its own stack pointer and errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thread.h"

/* Without an attribute: big enough for a textbook thread's buffers, small
 * enough for a thousand threads (Linux's 8 MiB is address space, not memory). */
#define DEFAULT_STACK_SIZE (256 * 1024)
/* The shadow stack grows down from a 16-byte aligned top. */
#define STACK_ALIGN 16

/* Where the attribute keeps its fields in musl's pthread_attr_t. */
#define ATTR_STACKSIZE(a) ((a)->__u.__s[0])
#define ATTR_DETACHED(a) ((a)->__u.__i[1])

static struct __pthread main_thread;
struct __pthread *__wasock_self = &main_thread;

/* Threads not yet ended, the main thread included: the last one to end
 * ends the program, as on Linux (pthread_exit in main waits for the rest). */
static int live = 1;

/* A detached thread cannot free the stack it still stands on: the next
 * detached thread to end frees its predecessor's block instead. */
static void *graveyard;

/* Thread-specific data's destructors (tsd.c), linked only when used. */
void __wasock_tsd_run_destructors(struct __pthread *self) __attribute__((weak));

__asm__(".globaltype __stack_pointer, i32\n");

static inline uint32_t get_stack_pointer(void) {
    uint32_t sp;
    __asm__ volatile("global.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
    return sp;
}

static inline void set_stack_pointer(uint32_t sp) {
    __asm__ volatile("local.get %0\n\tglobal.set __stack_pointer" : : "r"(sp));
}

/*
 * Called by the host (never by C, through the table: see wasock_abi.h) with
 * no guest code on the stack: saves the
 * outgoing thread's stack pointer and errno, installs `next`'s, and returns
 * the outgoing thread (the host learns the main thread's name this way).
 */
static uint32_t switch_to(void *to) {
    struct __pthread *next = to;
    struct __pthread *prev = __wasock_self;
    prev->sp = get_stack_pointer();
    prev->err = errno;
    __wasock_self = next;
    errno = next->err;
    set_stack_pointer(next->sp);
    return (uint32_t)(uintptr_t)prev;
}

/* Everything a thread does on its way out but leave its stack. */
static void finish(struct __pthread *self, void *result) {
    if (__wasock_tsd_run_destructors) __wasock_tsd_run_destructors(self);
    self->result = result;
    self->ended = 1;
    __wasock_wake(&self->ended, UINT32_MAX);
    if (--live == 0) exit(0);
    if (self->detached && self->block) {
        free(graveyard);
        graveyard = self->block;
    }
}

/* The host's call that runs a new thread, on the thread's own stack. */
static void entry(void *thread) {
    struct __pthread *self = thread;
    finish(self, self->start(self->arg));
}

int pthread_create(pthread_t *restrict out, const pthread_attr_t *restrict attr, void *(*start)(void *), void *restrict arg) {
    size_t stack = attr && ATTR_STACKSIZE(attr) ? ATTR_STACKSIZE(attr) : DEFAULT_STACK_SIZE;
    size_t header = (sizeof(struct __pthread) + STACK_ALIGN - 1) & ~(size_t)(STACK_ALIGN - 1);
    if (stack > SIZE_MAX - header - STACK_ALIGN) return EAGAIN;
    char *block = malloc(header + stack + STACK_ALIGN);
    if (!block) return EAGAIN;
    struct __pthread *t = (struct __pthread *)block;
    memset(t, 0, sizeof *t);
    t->block = block;
    t->start = start;
    t->arg = arg;
    t->detached = attr ? ATTR_DETACHED(attr) : 0;
    t->sp = (uint32_t)(((uintptr_t)block + header + stack) & ~(uintptr_t)(STACK_ALIGN - 1));
    int err = __wasock_thread_spawn((uint32_t)(uintptr_t)t, entry, switch_to);
    if (err != 0) {
        free(block);
        return err == ENOSYS ? EAGAIN : err;
    }
    live++;
    *out = t;
    return 0;
}

_Noreturn void pthread_exit(void *result) {
    finish(__wasock_self, result);
    /* Other threads go on: this one is never resumed. */
    __wasock_thread_exit();
    abort();
}

pthread_t pthread_self(void) {
    return __wasock_self;
}

#undef pthread_equal
int pthread_equal(pthread_t a, pthread_t b) {
    return a == b;
}

int pthread_join(pthread_t t, void **result) {
    if (t == __wasock_self) return EDEADLK;
    if (t->detached) return EINVAL;
    while (!t->ended) __wasock_wait(&t->ended, 0, -1);
    if (result) *result = t->result;
    free(t->block);
    return 0;
}

int pthread_detach(pthread_t t) {
    if (t->detached) return EINVAL;
    if (t->ended) {
        free(t->block);
        return 0;
    }
    t->detached = 1;
    return 0;
}

int pthread_attr_init(pthread_attr_t *a) {
    memset(a, 0, sizeof *a);
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a) {
    (void)a;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state) {
    *state = ATTR_DETACHED(a);
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state) {
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
    ATTR_DETACHED(a) = state;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *restrict a, size_t *restrict size) {
    *size = ATTR_STACKSIZE(a) ? ATTR_STACKSIZE(a) : DEFAULT_STACK_SIZE;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size) {
    if (size < PTHREAD_STACK_MIN) return EINVAL;
    ATTR_STACKSIZE(a) = size;
    return 0;
}

int __wasock_timeout_ns(clockid_t clock, const struct timespec *abstime, int64_t *out) {
    if (!abstime) {
        *out = -1;
        return 0;
    }
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L) return EINVAL;
    struct timespec now;
    clock_gettime(clock, &now);
    int64_t ns = ((int64_t)abstime->tv_sec - now.tv_sec) * 1000000000LL + (abstime->tv_nsec - now.tv_nsec);
    *out = ns > 0 ? ns : 0;
    return 0;
}
