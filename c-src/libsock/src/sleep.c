/*
 * clock_nanosleep(), under wasi-libc's sleep(), usleep() and nanosleep():
 * wasi-libc's answers ENOTSUP when poll_oneoff fails, where a signal
 * handler makes Linux's answer EINTR with the time left in *rem. One clock
 * subscription, as wasi-libc's; defining it here keeps libc.a's out.
 */
#include <errno.h>
#include <time.h>
#include <wasi/api.h>

static __wasi_timestamp_t ns_of(const struct timespec *ts) {
    return (__wasi_timestamp_t)ts->tv_sec * 1000000000ull + (__wasi_timestamp_t)ts->tv_nsec;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L)
        return EINVAL;
    __wasi_clockid_t id;
    if (clock == CLOCK_REALTIME)
        id = __WASI_CLOCKID_REALTIME;
    else if (clock == CLOCK_MONOTONIC)
        id = __WASI_CLOCKID_MONOTONIC;
    else
        return EINVAL;
    struct timespec start;
    if (rem != NULL && !(flags & TIMER_ABSTIME))
        clock_gettime(CLOCK_MONOTONIC, &start);
    __wasi_subscription_t sub = {
        .userdata = 0,
        .u = {.tag = __WASI_EVENTTYPE_CLOCK,
              .u = {.clock = {.id = id,
                              .timeout = ns_of(req),
                              .precision = 0,
                              .flags = (flags & TIMER_ABSTIME) ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0}}},
    };
    __wasi_event_t ev;
    __wasi_size_t n;
    __wasi_errno_t err = __wasi_poll_oneoff(&sub, &ev, 1, &n);
    if (err == __WASI_ERRNO_INTR && rem != NULL && !(flags & TIMER_ABSTIME)) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        __wasi_timestamp_t spent = ns_of(&now) - ns_of(&start), want = ns_of(req);
        __wasi_timestamp_t left = spent < want ? want - spent : 0;
        rem->tv_sec = (time_t)(left / 1000000000ull);
        rem->tv_nsec = (long)(left % 1000000000ull);
    }
    if (err != 0)
        return err;
    return ev.error;
}
