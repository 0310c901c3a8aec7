/*
 * wasock overlay for <fcntl.h>: F_DUPFD, which wasi-libc leaves out (libsock's
 * fcntl implements it and F_DUPFD_CLOEXEC over wasock_fd_dup).
 */
#include_next <fcntl.h>

#ifndef WASOCK_OVERLAY_FCNTL_H
#define WASOCK_OVERLAY_FCNTL_H

/* Linux's numbers, as expressions that also read an anchor in libsock's
 * dup.c: a program that asks fcntl to duplicate links the duplicating code
 * (and its import, wasock_fd_dup); one that does not keeps to WAMR's table.
 * Not usable in #if or a case label, which socket programs do not need. */
extern const volatile char __wasock_dupfd_anchor;
#undef F_DUPFD
#undef F_DUPFD_CLOEXEC
#define F_DUPFD (0 + (__wasock_dupfd_anchor & 0))
#define F_DUPFD_CLOEXEC (1030 + (__wasock_dupfd_anchor & 0))

#endif /* WASOCK_OVERLAY_FCNTL_H */
