/*
 * Signals over the host (docs/abi.md, "Signals"): signal(), sigaction(),
 * sigprocmask() and the set functions, raise(), kill() of this process,
 * alarm(), setitimer()/getitimer() (ITIMER_REAL), pause(), sigsuspend().
 *
 * The handlers live here, in the guest's table; the host keeps a copy of
 * what it needs to decide (handled, ignored or default; SA_* flags; the
 * handler's mask), the process mask and the pending signals, and calls
 * dispatch() below (through the function table) at an import boundary to
 * run a handler.
 *
 * Defining signal(), raise(), __SIG_IGN and __SIG_ERR here keeps wasi-libc's
 * emulation (libwasi-emulated-signal's signal.o, which only ever runs
 * handlers from raise()) out of the link: libsock.a comes first.
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "wasock_abi.h"

/* SIG_IGN and SIG_ERR: wasm function pointers, never called. */
void __SIG_IGN(int sig) { (void)sig; }
void __SIG_ERR(int sig) { (void)sig; }

static struct sigaction actions[WASOCK_SIG_MAX + 1];

static int fail(int err) {
    errno = err;
    return -1;
}

static int valid(int sig) { return sig >= 1 && sig <= WASOCK_SIG_MAX; }

/* A set (bit n-1 = signal n, as glibc and musl) as the host's mask (bit n =
 * signal n, signals 1..31), and back. */
static uint32_t set_to_mask(const sigset_t *set) {
    return (uint32_t)(set->__bits[0] << 1);
}

static void mask_to_set(uint32_t mask, sigset_t *set) {
    memset(set, 0, sizeof *set);
    set->__bits[0] = mask >> 1;
}

static void dispatch(int sig);

/* The host's copy of one disposition. */
static int tell_host(int sig, const struct sigaction *a) {
    void (*h)(int) = a->sa_handler;
    int kind = h == SIG_DFL ? WASOCK_SIG_DEFAULT : h == SIG_IGN ? WASOCK_SIG_IGNORE : WASOCK_SIG_HANDLER;
    return __wasock_sigaction(sig, kind, a->sa_flags, set_to_mask(&a->sa_mask), (uint32_t)(uintptr_t)&dispatch);
}

static void dispatch(int sig) {
    if (!valid(sig))
        return;
    struct sigaction a = actions[sig];
    /* SA_RESETHAND: the host has reset its own copy before calling. */
    if (a.sa_flags & SA_RESETHAND)
        memset(&actions[sig], 0, sizeof actions[sig]);
    if (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN)
        return;
    if (a.sa_flags & SA_SIGINFO) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = sig;
        info.si_code = SI_USER;
        a.sa_sigaction(sig, &info, NULL);
    } else {
        a.sa_handler(sig);
    }
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
    if (!valid(sig) || (act != NULL && (sig == SIGKILL || sig == SIGSTOP)))
        return fail(EINVAL);
    if (old != NULL)
        *old = actions[sig];
    if (act != NULL) {
        int err = tell_host(sig, act);
        if (err != 0)
            return fail(err);
        actions[sig] = *act;
    }
    return 0;
}

void (*signal(int sig, void (*handler)(int)))(int) {
    /* BSD semantics, as glibc's signal(): restarting, not reset. */
    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_handler = handler;
    act.sa_flags = SA_RESTART;
    if (sigaction(sig, &act, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

void (*bsd_signal(int sig, void (*handler)(int)))(int) { return signal(sig, handler); }

int siginterrupt(int sig, int flag) {
    struct sigaction act;
    if (sigaction(sig, NULL, &act) != 0)
        return -1;
    if (flag)
        act.sa_flags &= ~SA_RESTART;
    else
        act.sa_flags |= SA_RESTART;
    return sigaction(sig, &act, NULL);
}

int raise(int sig) {
    if (sig == 0)
        return 0;
    if (!valid(sig))
        return fail(EINVAL);
    int err = __wasock_raise(sig);
    return err == 0 ? 0 : fail(err);
}

int kill(pid_t pid, int sig) {
    /* Only this process exists (getpid() names it; 0 and -1 reach it too). */
    if (pid != getpid() && pid != 0 && pid != -1)
        return fail(ESRCH);
    if (sig == 0)
        return 0;
    return raise(sig);
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
    uint32_t prev;
    int err;
    if (set == NULL)
        err = __wasock_sigprocmask(WASOCK_SIG_BLOCK, 0, &prev);
    else if (how == SIG_BLOCK || how == SIG_UNBLOCK || how == SIG_SETMASK)
        err = __wasock_sigprocmask(how, set_to_mask(set), &prev);
    else
        return fail(EINVAL);
    if (err != 0)
        return fail(err);
    if (old != NULL)
        mask_to_set(prev, old);
    return 0;
}

int sigsuspend(const sigset_t *mask) {
    return fail(__wasock_sigsuspend(set_to_mask(mask)));
}

int pause(void) {
    uint32_t mask;
    int err = __wasock_sigprocmask(WASOCK_SIG_BLOCK, 0, &mask);
    return fail(err != 0 ? err : __wasock_sigsuspend(mask));
}

int sigpending(sigset_t *set) {
    /* Delivery is at once unless blocked; the host does not report what waits. */
    mask_to_set(0, set);
    return 0;
}

/* --- sets: signals 1..64 over the first 64 bits ------------------------ */

static int bit_ok(int sig) { return sig >= 1 && sig <= 64; }
#define WORD(sig) ((unsigned)((sig) - 1) / (8 * sizeof(unsigned long)))
#define BIT(sig) (1ul << ((unsigned)((sig) - 1) % (8 * sizeof(unsigned long))))

int sigemptyset(sigset_t *set) {
    memset(set, 0, sizeof *set);
    return 0;
}

int sigfillset(sigset_t *set) {
    memset(set, 0, sizeof *set);
    for (int sig = 1; sig <= 64; sig++)
        set->__bits[WORD(sig)] |= BIT(sig);
    return 0;
}

int sigaddset(sigset_t *set, int sig) {
    if (!bit_ok(sig))
        return fail(EINVAL);
    set->__bits[WORD(sig)] |= BIT(sig);
    return 0;
}

int sigdelset(sigset_t *set, int sig) {
    if (!bit_ok(sig))
        return fail(EINVAL);
    set->__bits[WORD(sig)] &= ~BIT(sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig) {
    if (!bit_ok(sig))
        return fail(EINVAL);
    return (set->__bits[WORD(sig)] & BIT(sig)) != 0;
}

/* --- the interval timer (ITIMER_REAL) ----------------------------------- */

static int64_t to_us(const struct timeval *tv) { return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec; }

static void from_us(uint64_t us, struct timeval *tv) {
    tv->tv_sec = (time_t)(us / 1000000);
    tv->tv_usec = (suseconds_t)(us % 1000000);
}

static int itimer(int64_t value_us, int64_t interval_us, struct itimerval *old) {
    uint64_t prev[2];
    int err = __wasock_setitimer(value_us, interval_us, prev);
    if (err != 0)
        return fail(err);
    if (old != NULL) {
        from_us(prev[0], &old->it_value);
        from_us(prev[1], &old->it_interval);
    }
    return 0;
}

int setitimer(int which, const struct itimerval *restrict value, struct itimerval *restrict old) {
    if (which != ITIMER_REAL || value == NULL)
        return fail(EINVAL);
    const struct timeval *v = &value->it_value, *i = &value->it_interval;
    if (v->tv_sec < 0 || v->tv_usec < 0 || v->tv_usec >= 1000000 || i->tv_sec < 0 || i->tv_usec < 0 ||
        i->tv_usec >= 1000000)
        return fail(EINVAL);
    return itimer(to_us(v), to_us(i), old);
}

int getitimer(int which, struct itimerval *value) {
    if (which != ITIMER_REAL)
        return fail(EINVAL);
    return itimer(-1, 0, value);
}

unsigned alarm(unsigned seconds) {
    struct itimerval old;
    if (itimer((int64_t)seconds * 1000000, 0, &old) != 0)
        return 0;
    /* As glibc: the old value rounded to the nearest second, at least 1. */
    unsigned left = (unsigned)old.it_value.tv_sec + (old.it_value.tv_usec >= 500000);
    if (left == 0 && old.it_value.tv_usec > 0)
        left = 1;
    return left;
}
