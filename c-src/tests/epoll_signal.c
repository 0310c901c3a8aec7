/*
 * epoll_signal.c: a signal with a handler ends epoll_wait with EINTR — with
 * SA_RESTART too (Linux never restarts epoll_wait) — and a wait that a
 * signal did not reach still times out or reports as before.
 */
#include "common.h"
#include <signal.h>
#include <sys/epoll.h>
#include <sys/time.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static void arm_ms(long ms) {
    struct itimerval t = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static void wait_once(const char *label, int ep, int timeout_ms) {
    struct epoll_event ev[4];
    errno = 0;
    int n = epoll_wait(ep, ev, 4, timeout_ms);
    printf("%s: %d %s, handler ran %d time(s)\n", label, n, n < 0 ? errname(errno) : "0", (int)alarms);
}

int main(void) {
    int ep = epoll_create1(0);
    int p[2];
    if (ep < 0 || pipe(p) != 0) return 1;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
    report("epoll_ctl ADD pipe", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, NULL);
    arm_ms(100);
    wait_once("no SA_RESTART, no timeout", ep, -1);

    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    arm_ms(100);
    wait_once("SA_RESTART, 5 s timeout", ep, 5000);

    wait_once("no signal, 50 ms timeout", ep, 50);
    write(p[1], "x", 1);
    wait_once("pipe readable", ep, 5000);
    return 0;
}
