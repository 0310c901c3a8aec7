/*
 * wasock overlay for <sys/time.h>: the interval timer wasi-libc leaves out
 * (ITIMER_REAL only: its SIGALRM comes from the host; signal.c).
 */
#include_next <sys/time.h>

#ifndef WASOCK_OVERLAY_SYS_TIME_H
#define WASOCK_OVERLAY_SYS_TIME_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ITIMER_REAL
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

struct itimerval {
    struct timeval it_interval;
    struct timeval it_value;
};
#endif

int getitimer(int, struct itimerval *);
int setitimer(int, const struct itimerval *__restrict, struct itimerval *__restrict);

#ifdef __cplusplus
}
#endif

#endif /* WASOCK_OVERLAY_SYS_TIME_H */
