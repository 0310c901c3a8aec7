/*
 * pipe(), pipe2(): a pipe inside the program, over wasock's own import
 * wasock_pipe (docs/abi.md). O_NONBLOCK is the only flag with a meaning;
 * O_CLOEXEC is accepted (there is no exec).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "wasock_abi.h"

int pipe2(int fds[2], int flags) {
    if ((flags & ~(O_NONBLOCK | O_CLOEXEC)) != 0) {
        errno = EINVAL;
        return -1;
    }
    int32_t out[2];
    int err = __wasock_pipe(out, (flags & O_NONBLOCK) ? WASOCK_FDFLAGS_NONBLOCK : 0);
    if (err != 0) {
        errno = err;
        return -1;
    }
    fds[0] = out[0];
    fds[1] = out[1];
    return 0;
}

int pipe(int fds[2]) {
    return pipe2(fds, 0);
}
