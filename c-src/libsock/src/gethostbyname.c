/*
 * gethostbyname(), the pre-getaddrinfo classic many socket tutorials still
 * use. IPv4 only, as the interface is; built on getaddrinfo so numeric hosts
 * and names behave the same way in both. The result lives in static storage,
 * overwritten by the next call, as POSIX specifies.
 */
#include <netdb.h>
#include <string.h>

#include "internal.h"

/* Enough addresses for any name a socket program on loopback will meet. */
#define MAX_ADDRS 16

static struct hostent result;
static char name[NI_MAXHOST + 1];
static char *aliases[1];
static struct in_addr addrs[MAX_ADDRS];
static char *addr_list[MAX_ADDRS + 1];

/* EAI_* -> the h_errno value gethostbyname reports for it. */
static int herrno_for(int eai) {
    switch (eai) {
    case EAI_AGAIN:
        return TRY_AGAIN;
    case EAI_NONAME:
    case EAI_ADDRFAMILY:
        return HOST_NOT_FOUND;
    case EAI_NODATA:
        return NO_DATA;
    default:
        return NO_RECOVERY;
    }
}

struct hostent *gethostbyname(const char *host) {
    if (host == NULL || strlen(host) > NI_MAXHOST) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    struct addrinfo hints, *list;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, NULL, &hints, &list);
    if (rc != 0) {
        h_errno = herrno_for(rc);
        return NULL;
    }

    size_t n = 0;
    for (struct addrinfo *p = list; p != NULL && n < MAX_ADDRS; p = p->ai_next) {
        addrs[n] = ((struct sockaddr_in *)p->ai_addr)->sin_addr;
        addr_list[n] = (char *)&addrs[n];
        n++;
    }
    addr_list[n] = NULL;
    freeaddrinfo(list);

    strcpy(name, host);
    aliases[0] = NULL;
    result.h_name = name;
    result.h_aliases = aliases;
    result.h_addrtype = AF_INET;
    result.h_length = (int)sizeof(struct in_addr);
    result.h_addr_list = addr_list;
    return &result;
}
