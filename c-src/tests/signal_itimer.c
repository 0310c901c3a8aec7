/*
 * signal_itimer.c: a periodic ITIMER_REAL counted by its handler while the
 * program waits in pause(), then in a long sleep() cut short (EINTR), then
 * disarmed: getitimer reports the period, and nothing arrives after.
 */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "common.h"

static volatile int ticks;

static void on_tick(int sig) {
    (void)sig;
    ticks++;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick;
    check(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");

    struct itimerval it = {{0, 50000}, {0, 50000}};
    check(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int pauses = 0;
    while (ticks < 5) {
        int r = pause();
        if (r == -1 && errno == EINTR)
            pauses++;
    }
    long ms = elapsed_ms(&start);
    printf("5 ticks in pause(): pause returned EINTR %d time(s), on time: %d\n", pauses, ms >= 200 && ms < 5000);

    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    printf("getitimer: interval %ld us, armed %d\n", (long)cur.it_interval.tv_usec, cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);

    struct timespec ts = {10, 0};
    errno = 0;
    int before = ticks;
    int r = nanosleep(&ts, NULL);
    printf("nanosleep(10 s): %d (%s), woken by a tick: %d\n", r, r < 0 ? errname(errno) : "-", ticks > before);

    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    int after = ticks;
    usleep(200000);
    printf("disarmed: no tick in 200 ms: %d\n", ticks == after);
    return 0;
}
