/*
 * wasock's <sys/wait.h> (wasi-libc has none): wait() and waitpid() so that
 * multi-process servers compile. A wasm program has no child processes
 * (fork() fails with ENOSYS), so both fail with ECHILD (process.c). The
 * status macros decode Linux's layout: exit code in bits 8-15, terminating
 * signal in bits 0-6, 0x7f there for a stopped child.
 */
#if defined(__has_include_next) && __has_include_next(<sys/wait.h>)
#include_next <sys/wait.h>
#endif

#ifndef WASOCK_OVERLAY_SYS_WAIT_H
#define WASOCK_OVERLAY_SYS_WAIT_H
#ifndef WNOHANG /* a sysroot with its own wins */

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WNOHANG 1
#define WUNTRACED 2
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x1000000

#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WCOREDUMP(s) ((s) & 0x80)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)
#define WIFCONTINUED(s) ((s) == 0xffff)

pid_t wait(int *);
pid_t waitpid(pid_t, int *, int);

#ifdef __cplusplus
}
#endif

#endif /* WNOHANG */
#endif /* WASOCK_OVERLAY_SYS_WAIT_H */
