/* listen(): a direct pass-through; the host clamps the backlog. */
#include "internal.h"

int listen(int fd, int backlog) {
    int err = __wasock_sock_listen(fd, backlog < 0 ? 0 : backlog);
    return err == 0 ? 0 : __wasock_fail(err);
}
