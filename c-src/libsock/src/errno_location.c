/* Code built against glibc-style headers reaches errno through
 * __errno_location(); older wasi-libc has errno only as a thread-local, so we
 * supply the function. */
#include <errno.h>

int *__errno_location(void) {
    return &errno;
}
