/*
 * fcntl(). wasi-libc's knows F_GETFD/F_SETFD/F_GETFL/F_SETFL only: libsock's
 * answers those four as wasi-libc does (defining fcntl keeps its member out
 * of the link) and adds F_DUPFD/F_DUPFD_CLOEXEC through dup.c. That call is
 * a weak reference, so a program that never duplicates a descriptor does not
 * link dup.c and imports nothing outside WAMR's table (it still loads on
 * iwasm); the overlay's F_DUPFD is what links dup.c in when a program uses it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <wasi/api.h>

int __wasock_dup_lowest(int fd, int min) __attribute__((weak));

static int get_flags(int fd) {
    __wasi_fdstat_t st;
    int err = __wasi_fd_fdstat_get(fd, &st);
    if (err != 0) {
        errno = err;
        return -1;
    }
    int flags = st.fs_flags;
    if (st.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR))
        flags |= (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) ? O_RDWR : O_RDONLY;
    else if (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE)
        flags |= O_WRONLY;
    else
        flags |= O_SEARCH;
    return flags;
}

int fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    int arg = (cmd == F_GETFD || cmd == F_GETFL) ? 0 : va_arg(ap, int);
    va_end(ap);
    switch (cmd) {
    case 0:    /* F_DUPFD (the overlay's is not a constant expression) */
    case 1030: /* F_DUPFD_CLOEXEC */
        if (__wasock_dup_lowest == 0) {
            errno = EINVAL;
            return -1;
        }
        return __wasock_dup_lowest(fd, arg);
    case F_GETFD:
    case F_SETFD: {
        /* No exec: FD_CLOEXEC is accepted and reads back as never set. */
        __wasi_fdstat_t st;
        int err = __wasi_fd_fdstat_get(fd, &st);
        if (err != 0) {
            errno = err;
            return -1;
        }
        return 0;
    }
    case F_GETFL:
        return get_flags(fd);
    case F_SETFL: {
        int err = __wasi_fd_fdstat_set_flags(fd, (__wasi_fdflags_t)(arg & (O_APPEND | O_DSYNC | O_NONBLOCK | O_RSYNC | O_SYNC)));
        if (err != 0) {
            errno = err;
            return -1;
        }
        return 0;
    }
    default:
        errno = EINVAL;
        return -1;
    }
}

