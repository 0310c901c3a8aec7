/* h_errno and its messages for gethostbyname's callers. Older wasi-libc has
 * neither. There are no threads to separate, so h_errno is one variable. */
#include <netdb.h>
#include <stdio.h>

static int h_errno_value;

int *__h_errno_location(void) {
    return &h_errno_value;
}

/* glibc's wording, so output matches a native build. */
const char *hstrerror(int code) {
    switch (code) {
    case -1: /* NETDB_INTERNAL */
        return "Resolver internal error";
    case 0:
        return "Resolver Error 0 (no error)";
    case HOST_NOT_FOUND:
        return "Unknown host";
    case TRY_AGAIN:
        return "Host name lookup failure";
    case NO_RECOVERY:
        return "Unknown server error";
    case NO_DATA:
        return "No address associated with name";
    default:
        return "Unknown resolver error";
    }
}

void herror(const char *prefix) {
    if (prefix != NULL && *prefix != '\0')
        fprintf(stderr, "%s: %s\n", prefix, hstrerror(h_errno));
    else
        fprintf(stderr, "%s\n", hstrerror(h_errno));
}
