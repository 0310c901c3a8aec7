/*
 * gai_names.c: getaddrinfo() on what socket programs actually pass: the
 * passive NULL node a server binds to, "localhost", numeric hosts of both
 * families, service names and numbers; then a Beej-style server loop that
 * binds the first usable passive result and a client loop that connects to
 * "localhost" through the list.
 */
#include <netdb.h>

#include "common.h"

static const char *fam(int f) {
    return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : f == AF_UNSPEC ? "AF_UNSPEC" : "?";
}

static const char *stype(int t) {
    return t == SOCK_STREAM ? "SOCK_STREAM" : t == SOCK_DGRAM ? "SOCK_DGRAM" : t == 0 ? "0" : "other";
}

static void show(const char *node, const char *service, int family, int socktype, int flags) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = flags;
    int rc = getaddrinfo(node, service, &hints, &res);
    printf("getaddrinfo(%s, %s, %s, %s%s%s):", node ? node : "NULL", service ? service : "NULL",
           fam(family), stype(socktype), flags & AI_PASSIVE ? ", AI_PASSIVE" : "",
           flags & AI_NUMERICHOST ? ", AI_NUMERICHOST" : "");
    if (rc != 0) {
        printf(" error: %s\n", gai_strerror(rc));
        return;
    }
    printf("\n");
    for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
        printf("  %s %s %s port %d, addrlen is the sockaddr's size: %d\n", fam(p->ai_family),
               stype(p->ai_socktype), addr_text(p->ai_addr), port_of(p->ai_addr),
               sa_len_ok(p->ai_addr, p->ai_addrlen));
    }
    freeaddrinfo(res);
}

/* What "localhost" gives for AF_UNSPEC depends on the machine's /etc/hosts
 * (with or without a ::1 line, in an order gai.conf decides); what holds
 * everywhere is that 127.0.0.1 is among the results. */
static void includes_loopback4(const char *node) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(node, "8080", &hints, &res);
    int found = 0;
    if (rc == 0) {
        for (struct addrinfo *p = res; p != NULL; p = p->ai_next)
            if (p->ai_family == AF_INET && strcmp(addr_text(p->ai_addr), "127.0.0.1") == 0)
                found = 1;
        freeaddrinfo(res);
    }
    printf("getaddrinfo(%s, 8080, AF_UNSPEC, SOCK_STREAM): rc %d, includes AF_INET 127.0.0.1: %d\n", node, rc, found);
}

int main(void) {
    show(NULL, "8080", AF_INET, SOCK_STREAM, AI_PASSIVE);
    show(NULL, "8080", AF_INET6, SOCK_STREAM, AI_PASSIVE);
    show(NULL, "8080", AF_UNSPEC, SOCK_STREAM, AI_PASSIVE);
    show(NULL, "8080", AF_INET, SOCK_STREAM, 0);
    show(NULL, "8080", AF_UNSPEC, SOCK_STREAM, 0);
    show("localhost", "8080", AF_INET, SOCK_STREAM, 0);
    includes_loopback4("localhost");
    show("localhost", "http", AF_INET, SOCK_STREAM, 0);
    show("localhost", "53", AF_INET, SOCK_DGRAM, 0);
    show("localhost", "domain", AF_INET, 0, 0);
    show("localhost", NULL, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "443", AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "https", AF_UNSPEC, SOCK_STREAM, AI_NUMERICHOST);
    show("::1", "8080", AF_UNSPEC, SOCK_STREAM, 0);
    show("::1", "8080", AF_INET6, SOCK_DGRAM, AI_NUMERICHOST);

    /* The server half of the classic pattern: first passive result that binds. */
    struct addrinfo hints, *res, *p;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    check(getaddrinfo(NULL, "0", &hints, &res) == 0, "getaddrinfo passive");
    int lfd = -1;
    for (p = res; p != NULL; p = p->ai_next) {
        lfd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
        if (lfd < 0)
            continue;
        int yes = 1;
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (bind(lfd, p->ai_addr, p->ai_addrlen) == 0)
            break;
        close(lfd);
        lfd = -1;
    }
    freeaddrinfo(res);
    check(lfd >= 0 && listen(lfd, 5) == 0, "server bind");
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(lfd, (struct sockaddr *)&ss, &len);
    printf("server bound to %s\n", addr_text((struct sockaddr *)&ss));
    char port[16];
    snprintf(port, sizeof port, "%d", port_of((struct sockaddr *)&ss));

    /* The client half: connect to "localhost" through the list. */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    check(getaddrinfo("localhost", port, &hints, &res) == 0, "getaddrinfo localhost");
    int cfd = -1;
    for (p = res; p != NULL; p = p->ai_next) {
        cfd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
        if (cfd < 0)
            continue;
        if (connect(cfd, p->ai_addr, p->ai_addrlen) == 0)
            break;
        close(cfd);
        cfd = -1;
    }
    freeaddrinfo(res);
    check(cfd >= 0, "client connect");
    int afd = accept(lfd, (struct sockaddr *)&ss, &len);
    check(afd >= 0, "accept");
    printf("client connected from %s\n", addr_text((struct sockaddr *)&ss));
    close(afd);
    close(cfd);
    close(lfd);
    return 0;
}
