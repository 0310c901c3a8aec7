/*
 * gethostbyname_localhost.c: the legacy resolver older tutorials use:
 * "localhost" and a dotted quad give AF_INET entries with 4-byte addresses,
 * which connect() accepts; an unknown name gives NULL and h_errno
 * HOST_NOT_FOUND.
 */
#include <netdb.h>

#include "common.h"

static void show(const char *name) {
    struct hostent *he = gethostbyname(name);
    if (he == NULL) {
        printf("gethostbyname(%s): NULL h_errno=%s\n", name,
               h_errno == HOST_NOT_FOUND ? "HOST_NOT_FOUND" : h_errno == TRY_AGAIN ? "TRY_AGAIN"
               : h_errno == NO_DATA ? "NO_DATA" : "other");
        return;
    }
    printf("gethostbyname(%s): h_name=%s h_addrtype=%s h_length=%d\n", name, he->h_name,
           he->h_addrtype == AF_INET ? "AF_INET" : "other", he->h_length);
    for (int i = 0; he->h_addr_list[i] != NULL && i < 8; i++) {
        struct in_addr a;
        memcpy(&a, he->h_addr_list[i], sizeof a);
        printf("  address %s\n", inet_ntoa(a));
    }
}

int main(void) {
    show("localhost");
    show("127.0.0.1");
    show("no-such-host.invalid");

    /* The tutorial client: copy h_addr into a sockaddr_in and connect. */
    int port;
    int lfd = listen_loopback(&port);
    struct hostent *he = gethostbyname("localhost");
    check(he != NULL, "gethostbyname");
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, he->h_addr, he->h_length);
    sin.sin_port = htons(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
    report("connect to gethostbyname(localhost)", rc);
    close(fd);
    close(lfd);
    return 0;
}
