/*
 * wasock overlay for <unistd.h>: the descriptor and process calls wasi-libc
 * leaves out, which libsock implements (dup.c, pipe.c, process.c, signal.c).
 */
#include_next <unistd.h>

#ifndef WASOCK_OVERLAY_UNISTD_H
#define WASOCK_OVERLAY_UNISTD_H

#ifdef __cplusplus
extern "C" {
#endif

int dup(int);
int dup2(int, int);
int dup3(int, int, int);
int pipe(int[2]);
int pipe2(int[2], int);
unsigned alarm(unsigned);
int pause(void);
/* Declared so multi-process servers compile; fork() fails with ENOSYS and
 * says why on stderr (process.c). */
pid_t fork(void);

#ifdef __cplusplus
}
#endif

#endif /* WASOCK_OVERLAY_UNISTD_H */
