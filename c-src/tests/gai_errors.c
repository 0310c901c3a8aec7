/*
 * gai_errors.c: getaddrinfo()'s failures, with the codes and gai_strerror()
 * texts a program prints: an unknown host, an unknown service, a name
 * refused by AI_NUMERICHOST, a socket type a service does not run on.
 */
#include <netdb.h>

#include "common.h"

static const char *code(int rc) {
    switch (rc) {
    case 0: return "0";
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_SERVICE: return "EAI_SERVICE";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SOCKTYPE: return "EAI_SOCKTYPE";
    case EAI_BADFLAGS: return "EAI_BADFLAGS";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_MEMORY: return "EAI_MEMORY";
    case EAI_SYSTEM: return "EAI_SYSTEM";
    default: return "other";
    }
}

static void try(const char *node, const char *service, int family, int socktype, int flags) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = flags;
    int rc = getaddrinfo(node, service, &hints, &res);
    printf("getaddrinfo(%s, %s): %s \"%s\"\n", node ? node : "NULL", service ? service : "NULL",
           code(rc), rc == 0 ? "" : gai_strerror(rc));
    if (rc == 0)
        freeaddrinfo(res);
}

int main(void) {
    try("no-such-host.invalid", "80", AF_UNSPEC, SOCK_STREAM, 0);
    try("no-such-host.invalid", NULL, AF_INET, SOCK_STREAM, 0);
    try("localhost", "no-such-service", AF_INET, SOCK_STREAM, 0);
    try("localhost", "80", AF_INET, SOCK_STREAM, AI_NUMERICHOST);
    try(NULL, NULL, AF_INET, SOCK_STREAM, AI_PASSIVE);
    try("127.0.0.1", "80", 12345, SOCK_STREAM, 0);
    try("127.0.0.1", "http", AF_INET, SOCK_STREAM, AI_NUMERICSERV);
    try("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0);
    printf("gai_strerror(EAI_NONAME) = %s\n", gai_strerror(EAI_NONAME));
    printf("gai_strerror(EAI_AGAIN) = %s\n", gai_strerror(EAI_AGAIN));
    printf("gai_strerror(EAI_SERVICE) = %s\n", gai_strerror(EAI_SERVICE));
    printf("gai_strerror(EAI_FAMILY) = %s\n", gai_strerror(EAI_FAMILY));
    return 0;
}
