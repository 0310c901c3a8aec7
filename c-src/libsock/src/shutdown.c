/* shutdown(): SHUT_* -> the ABI's RD/WR bits. Compared by name rather than
 * passed through, because sysroots disagree on the SHUT_* values (older
 * wasi-libc uses the WASI bits, musl upstream uses 0/1/2). */
#include "internal.h"

int shutdown(int fd, int how) {
    uint32_t bits;
    if (how == SHUT_RD)
        bits = WASOCK_SDFLAGS_RD;
    else if (how == SHUT_WR)
        bits = WASOCK_SDFLAGS_WR;
    else if (how == SHUT_RDWR)
        bits = WASOCK_SDFLAGS_RD | WASOCK_SDFLAGS_WR;
    else
        return __wasock_fail(EINVAL);
    int err = __wasock_sock_shutdown(fd, bits);
    return err == 0 ? 0 : __wasock_fail(err);
}
