/*
 * gethostbyaddr_loopback.c: the textbook's reverse lookup of 127.0.0.1
 * (named by the hosts table: /etc/hosts' first name for it), and
 * getnameinfo() of the same address with and without NI_NUMERICHOST and
 * NI_NAMEREQD. Bad arguments fail as natively.
 */
#include "common.h"

#include <netdb.h>

int main(void) {
    struct in_addr addr;
    addr.s_addr = htonl(INADDR_LOOPBACK);
    struct hostent *host = gethostbyaddr((char *)&addr, 4, AF_INET);
    if (host == NULL) {
        printf("gethostbyaddr: NULL, h_errno %d\n", h_errno);
        return 1;
    }
    printf("official name: %s\n", host->h_name);
    for (int i = 0; host->h_aliases[i] != NULL; i++)
        printf("alias %d: %s\n", i + 1, host->h_aliases[i]);
    printf("address type: %s\n", host->h_addrtype == AF_INET ? "AF_INET" : "AF_INET6");
    printf("length: %d\n", host->h_length);
    for (int i = 0; host->h_addr_list[i] != NULL; i++)
        printf("IP addr %d: %s\n", i + 1, inet_ntoa(*(struct in_addr *)host->h_addr_list[i]));

    h_errno = 0;
    host = gethostbyaddr((char *)&addr, 3, AF_INET);
    printf("length 3: %s\n", host == NULL ? "NULL" : host->h_name);

    struct sockaddr_in sin = loopback4(80);
    char name[NI_MAXHOST], serv[NI_MAXSERV];
    int rc = getnameinfo((struct sockaddr *)&sin, sizeof sin, name, sizeof name, serv, sizeof serv, 0);
    printf("getnameinfo: %d %s %s\n", rc, rc == 0 ? name : "-", rc == 0 ? serv : "-");
    rc = getnameinfo((struct sockaddr *)&sin, sizeof sin, name, sizeof name, NULL, 0, NI_NAMEREQD);
    printf("getnameinfo NI_NAMEREQD: %d %s\n", rc, rc == 0 ? name : "-");
    rc = getnameinfo((struct sockaddr *)&sin, sizeof sin, name, sizeof name, NULL, 0, NI_NUMERICHOST);
    printf("getnameinfo NI_NUMERICHOST: %d %s\n", rc, rc == 0 ? name : "-");
    rc = getnameinfo((struct sockaddr *)&sin, sizeof sin, name, 4, NULL, 0, 0);
    printf("getnameinfo into 4 bytes: %s\n", rc == EAI_OVERFLOW ? "EAI_OVERFLOW" : rc == 0 ? name : "other");
    return 0;
}
