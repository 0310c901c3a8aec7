/*
 * dup(), dup2(), dup3() and fcntl(F_DUPFD)'s half, over wasock's own import
 * wasock_fd_dup (docs/abi.md): the new number names the same object as the
 * old, so both are one socket (or one file offset, one stdio stream).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "wasock_abi.h"

/* Read by the overlay's F_DUPFD so that using it links this file (fcntl.c
 * only refers to it weakly). */
const volatile char __wasock_dupfd_anchor = 0;

static int dup_to(int fd, int target, int mode) {
    uint32_t out;
    int err = __wasock_fd_dup(fd, target, mode, &out);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return (int)out;
}

int __wasock_dup_lowest(int fd, int min) {
    return dup_to(fd, min, WASOCK_DUP_LOWEST);
}

int dup(int fd) {
    return dup_to(fd, 0, WASOCK_DUP_LOWEST);
}

int dup2(int fd, int target) {
    return dup_to(fd, target, WASOCK_DUP_EXACT);
}

int dup3(int fd, int target, int flags) {
    if (fd == target || (flags & ~O_CLOEXEC) != 0) {
        errno = EINVAL;
        return -1;
    }
    return dup_to(fd, target, WASOCK_DUP_EXACT);
}
