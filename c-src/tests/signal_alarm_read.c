/*
 * signal_alarm_read.c: SIGALRM interrupting a blocking read on a socket.
 * Without SA_RESTART the read fails with EINTR after the handler ran; with
 * SA_RESTART the handler writes a byte to the other end and the same read
 * goes on and returns it. Also: the other calls of <signal.h> a textbook
 * uses (raise, kill of this process, a mask, SIG_IGN, SA_RESETHAND,
 * SA_SIGINFO, alarm's return value, poll interrupted in spite of SA_RESTART).
 */
#include <signal.h>
#include <sys/time.h>

#include "common.h"

static volatile int alarms, usr1, usr2, info_signo;
static int peer = -1;

static void on_alarm(int sig) {
    alarms++;
    if (peer >= 0 && sig == SIGALRM)
        write(peer, "!", 1);
}
static void on_usr1(int sig) { usr1 += sig == SIGUSR1; }
static void on_usr2(int sig) { usr2 += sig == SIGUSR2; }
static void on_info(int sig, siginfo_t *info, void *ctx) {
    (void)ctx;
    info_signo = sig == info->si_signo ? sig : -1;
}

static void arm_ms(int ms) {
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = ms / 1000;
    it.it_value.tv_usec = (ms % 1000) * 1000;
    check(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
}

static void on_alarm_with(int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    check(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
}

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    char buf[16];

    on_alarm_with(0);
    arm_ms(200);
    errno = 0;
    long n = read(client, buf, sizeof buf);
    printf("without SA_RESTART: read %ld (%s), handler ran %d time(s)\n", n, n < 0 ? errname(errno) : "-", alarms);

    alarms = 0;
    peer = server;
    on_alarm_with(SA_RESTART);
    arm_ms(200);
    n = read(client, buf, sizeof buf);
    printf("with SA_RESTART: read %ld byte(s) '%.*s', handler ran %d time(s)\n", n, n > 0 ? (int)n : 0, buf, alarms);
    peer = -1;

    /* poll is never restarted (Linux), SA_RESTART or not. */
    alarms = 0;
    arm_ms(100);
    struct pollfd pfd = {client, POLLIN, 0};
    errno = 0;
    int r = poll(&pfd, 1, 5000);
    printf("poll with SA_RESTART: %d (%s), handler ran %d time(s)\n", r, r < 0 ? errname(errno) : "-", alarms);

    /* alarm() answers the seconds left on the previous one. */
    alarm(7);
    printf("alarm(0) after alarm(7): %u\n", alarm(0));

    /* raise, kill(getpid()), a blocked signal delivered when unblocked. */
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    printf("raise(SIGUSR1): handler ran %d time(s)\n", usr1);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    printf("sigismember: %d %d\n", sigismember(&set, SIGUSR1), sigismember(&set, SIGUSR2));
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR1);
    printf("blocked: handler ran %d time(s)\n", usr1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: handler ran %d time(s)\n", usr1);

    /* SIG_IGN does nothing; SA_RESETHAND runs once, then the default is back. */
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored SIGUSR2: still here\n");
    struct sigaction sa, now;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &now);
    printf("SA_RESETHAND: handler ran %d time(s), now default: %d\n", usr2, now.sa_handler == SIG_DFL);

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("SA_SIGINFO: si_signo %d\n", info_signo);

    printf("invalid: sigaction(SIGKILL) %d, raise(0) %d, sigaddset(99) %d\n",
           sigaction(SIGKILL, &sa, NULL), raise(0) == 0 ? 0 : -1, sigaddset(&set, 99));
    close(client);
    close(server);
    return 0;
}
