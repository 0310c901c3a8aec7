/*
 * wasock overlay for <signal.h>: what wasi-libc's emulation leaves out
 * (sigaction, sigprocmask and the set functions, kill, sigsuspend), which
 * libsock implements (signal.c) over the host's signal imports. Signal
 * numbers are Linux's (wasi-libc's <bits/signal.h> already spells them so).
 * libsock needs no emulation macro; defining it here lets the sysroot's
 * header compile for a program built without the driver's default flags.
 */
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL
#endif
#include_next <signal.h>

#ifndef WASOCK_OVERLAY_SIGNAL_H
#define WASOCK_OVERLAY_SIGNAL_H

#include <sys/types.h>
#define __NEED_sigset_t
#include <bits/alltypes.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SIG_BLOCK
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#endif

#ifndef SA_RESTART
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_NOMASK SA_NODEFER
#define SA_ONESHOT SA_RESETHAND
#endif

#ifndef SI_USER
#define SI_USER 0
#define SI_KERNEL 128
#define SI_TIMER (-2)
#endif

#ifndef si_pid
/* A handler installed with SA_SIGINFO gets si_signo (and si_code); the
 * other fields are zero. Sized as on Linux (128 bytes). */
union sigval {
    int sival_int;
    void *sival_ptr;
};
typedef struct {
    int si_signo, si_errno, si_code;
    pid_t si_pid;
    uid_t si_uid;
    int si_status;
    union sigval si_value;
    char __pad[128 - 6 * sizeof(int) - sizeof(union sigval)];
} siginfo_t;

struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, siginfo_t *, void *);
    } __sa_handler;
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction
#endif

int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigsuspend(const sigset_t *);
int sigpending(sigset_t *);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int kill(pid_t, int);
int siginterrupt(int, int);

#ifdef __cplusplus
}
#endif

#endif /* WASOCK_OVERLAY_SIGNAL_H */
