/*
 * MSG_DONTWAIT for a single call. The ABI's send/recv flags have no
 * "don't wait" bit, but every socket fd honours FDFLAGS_NONBLOCK (that is how
 * fcntl(O_NONBLOCK) works), so the call runs with the flag switched on and the
 * fd's own flags are put back afterwards. Only standard preview 1 calls are
 * used, so no import beyond docs/abi.md is needed.
 */
#include <wasi/api.h>

#include "internal.h"

int __wasock_dontwait_enter(int fd, int msg_flags, int *restore) {
    *restore = 0;
    if (!(msg_flags & MSG_DONTWAIT))
        return 0;
    __wasi_fdstat_t st;
    __wasi_errno_t err = __wasi_fd_fdstat_get(fd, &st);
    if (err != 0)
        return err;
    if (st.fs_flags & WASOCK_FDFLAGS_NONBLOCK)
        return 0; /* already non-blocking: nothing to undo */
    err = __wasi_fd_fdstat_set_flags(fd, st.fs_flags | WASOCK_FDFLAGS_NONBLOCK);
    if (err != 0)
        return err;
    *restore = 1;
    return 0;
}

void __wasock_dontwait_leave(int fd, int restore) {
    if (!restore)
        return;
    /* Errors are ignored on purpose: the call's own result (and errno) is what
     * the caller needs, and these calls never touch errno. */
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0)
        (void)__wasi_fd_fdstat_set_flags(fd, st.fs_flags & ~WASOCK_FDFLAGS_NONBLOCK);
}
