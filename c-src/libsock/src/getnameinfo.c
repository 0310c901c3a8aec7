/*
 * getnameinfo(). Hosts are named by the host's reverse lookup
 * (host_name.c: loopback from the hosts table, other addresses under the
 * network policy) unless NI_NUMERICHOST asks for the number; without a name
 * they come back numeric, or EAI_NONAME with NI_NAMEREQD. Ports are named
 * from the built-in service table unless NI_NUMERICSERV asks for the number.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int copy_out(const char *text, char *buf, socklen_t len) {
    if (strlen(text) >= len)
        return EAI_OVERFLOW;
    strcpy(buf, text);
    return 0;
}

static int host_text(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, int flags) {
    char text[INET6_ADDRSTRLEN];
    const void *bytes;
    if (sa->sa_family == AF_INET)
        bytes = &((const struct sockaddr_in *)sa)->sin_addr;
    else
        bytes = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (inet_ntop(sa->sa_family, bytes, text, sizeof text) == NULL)
        return EAI_SYSTEM;
    if (!(flags & NI_NUMERICHOST)) {
        char name[NI_MAXHOST + 1];
        int err = __wasock_host_name(sa, salen, name, sizeof name);
        if (err == 0)
            return copy_out(name, host, hostlen);
        if (err == EAGAIN)
            return EAI_AGAIN;
        if (flags & NI_NAMEREQD)
            return EAI_NONAME;
    }
    return copy_out(text, host, hostlen);
}

static int service_text(const struct sockaddr *sa, char *serv, socklen_t servlen, int flags) {
    uint16_t port = ntohs(sa->sa_family == AF_INET ? ((const struct sockaddr_in *)sa)->sin_port
                                                   : ((const struct sockaddr_in6 *)sa)->sin6_port);
    if (!(flags & NI_NUMERICSERV)) {
        int protos = (flags & NI_DGRAM) ? WASOCK_SVC_UDP : WASOCK_SVC_TCP;
        const wasock_service *s = __wasock_service_by_port(port, protos);
        if (s != NULL)
            return copy_out(s->name, serv, servlen);
    }
    char text[8];
    snprintf(text, sizeof text, "%u", (unsigned)port);
    return copy_out(text, serv, servlen);
}

int getnameinfo(const struct sockaddr *__restrict sa, socklen_t salen, char *__restrict host,
                socklen_t hostlen, char *__restrict serv, socklen_t servlen, int flags) {
    if (sa == NULL)
        return EAI_FAIL;
    if (sa->sa_family == AF_INET) {
        if (salen < (socklen_t)sizeof(struct sockaddr_in))
            return EAI_FAMILY;
    } else if (sa->sa_family == AF_INET6) {
        if (salen < (socklen_t)sizeof(struct sockaddr_in6))
            return EAI_FAMILY;
    } else {
        return EAI_FAMILY;
    }
    if ((host == NULL || hostlen == 0) && (serv == NULL || servlen == 0))
        return EAI_NONAME;

    int rc = 0;
    if (host != NULL && hostlen > 0)
        rc = host_text(sa, salen, host, hostlen, flags);
    if (rc == 0 && serv != NULL && servlen > 0)
        rc = service_text(sa, serv, servlen, flags);
    return rc;
}
