/*
 * netdb_numeric.c: getaddrinfo / getnameinfo / gethostbyname / getservbyname
 * on inputs that need no name server (NULL nodes, numeric loopback hosts,
 * well-known services). Built natively and as wasm; the outputs must match,
 * which holds libsock's resolver front end to glibc's results and error codes.
 * Every request names a socket type or a service, because glibc adds SOCK_RAW
 * entries otherwise and libsock has no raw sockets.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *family_name(int f) {
    return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : f == AF_UNSPEC ? "AF_UNSPEC" : "?";
}

static const char *socktype_name(int t) {
    return t == SOCK_STREAM ? "STREAM" : t == SOCK_DGRAM ? "DGRAM" : t == 0 ? "0" : "?";
}

static void lookup(const char *node, const char *service, int family, int socktype, int flags) {
    struct addrinfo hints, *res, *p;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = flags;
    printf("getaddrinfo(%s, %s, %s, %s, flags 0x%x): ", node ? node : "NULL",
           service ? service : "NULL", family_name(family), socktype_name(socktype), flags);
    int rc = getaddrinfo(node, service, &hints, &res);
    if (rc != 0) {
        printf("%s\n", gai_strerror(rc));
        return;
    }
    printf("\n");
    for (p = res; p != NULL; p = p->ai_next) {
        char text[INET6_ADDRSTRLEN];
        int port;
        if (p->ai_family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)p->ai_addr;
            inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
            port = ntohs(sin->sin_port);
        } else {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)p->ai_addr;
            inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
            port = ntohs(sin6->sin6_port);
        }
        printf("  %s %s proto %s %s port %d%s%s\n", family_name(p->ai_family),
               socktype_name(p->ai_socktype),
               p->ai_protocol == IPPROTO_TCP ? "tcp" : p->ai_protocol == IPPROTO_UDP ? "udp" : "?",
               text, port, p->ai_canonname ? " canon " : "",
               p->ai_canonname ? p->ai_canonname : "");
    }
    freeaddrinfo(res);
}

static void reverse(const char *ip, int port, int flags) {
    struct sockaddr_in sin;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, ip, &sin.sin_addr);
    int rc = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv,
                         sizeof serv, flags);
    printf("getnameinfo(%s, %d, flags 0x%x): ", ip, port, flags);
    if (rc != 0)
        printf("%s\n", gai_strerror(rc));
    else
        printf("%s %s\n", host, serv);
}

static void reverse6(const char *ip, int port, int flags) {
    struct sockaddr_in6 sin6;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons((unsigned short)port);
    inet_pton(AF_INET6, ip, &sin6.sin6_addr);
    int rc = getnameinfo((struct sockaddr *)&sin6, sizeof sin6, host, sizeof host, serv,
                         sizeof serv, flags);
    printf("getnameinfo(%s, %d, flags 0x%x): ", ip, port, flags);
    if (rc != 0)
        printf("%s\n", gai_strerror(rc));
    else
        printf("%s %s\n", host, serv);
}

static void host_by_name(const char *name) {
    struct hostent *h = gethostbyname(name);
    printf("gethostbyname(%s): ", name);
    if (h == NULL) {
        printf("NULL\n");
        return;
    }
    printf("%s len %d", h->h_addrtype == AF_INET ? "AF_INET" : "?", h->h_length);
    for (char **a = h->h_addr_list; *a != NULL; a++)
        printf(" %s", inet_ntoa(*(struct in_addr *)*a));
    printf("\n");
}

static void service(const char *name, const char *proto) {
    struct servent *s = getservbyname(name, proto);
    printf("getservbyname(%s, %s): ", name, proto ? proto : "NULL");
    if (s == NULL)
        printf("NULL\n");
    else
        printf("%s %d/%s\n", s->s_name, ntohs((unsigned short)s->s_port), s->s_proto);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);

    lookup(NULL, "8080", AF_UNSPEC, SOCK_STREAM, AI_PASSIVE);
    lookup(NULL, "8080", AF_UNSPEC, SOCK_STREAM, 0);
    lookup(NULL, "8080", AF_INET, SOCK_DGRAM, AI_PASSIVE);
    lookup(NULL, "8080", AF_INET6, SOCK_STREAM, 0);
    lookup(NULL, "http", AF_INET, 0, AI_PASSIVE);
    lookup(NULL, "https", AF_INET, 0, 0);
    lookup(NULL, "echo", AF_INET, SOCK_DGRAM, 0);
    lookup(NULL, "http", AF_INET, SOCK_DGRAM, 0);
    lookup(NULL, "http", AF_INET, SOCK_STREAM, AI_NUMERICSERV);
    lookup(NULL, "no-such-service", AF_INET, SOCK_STREAM, 0);
    lookup(NULL, NULL, AF_INET, SOCK_STREAM, 0);
    lookup(NULL, "80", AF_INET, SOCK_STREAM, AI_CANONNAME);
    lookup(NULL, "80", 12345, SOCK_STREAM, 0);
    lookup(NULL, "80", AF_INET, 12345, 0);
    lookup("127.0.0.1", "8080", AF_UNSPEC, SOCK_STREAM, 0);
    lookup("127.0.0.1", "8080", AF_INET, SOCK_DGRAM, AI_NUMERICHOST | AI_CANONNAME);
    lookup("127.1", "daytime", AF_INET, SOCK_STREAM, 0);
    lookup("::1", "8080", AF_UNSPEC, SOCK_STREAM, 0);
    lookup("::1", "8080", AF_INET, SOCK_STREAM, 0);
    lookup("127.0.0.1", "8080", AF_INET6, SOCK_STREAM, 0);
    lookup("127.0.0.1", "8080", AF_INET6, SOCK_STREAM, AI_V4MAPPED);
    lookup("localhost", "8080", AF_INET, SOCK_STREAM, AI_NUMERICHOST);

    reverse("127.0.0.1", 8080, NI_NUMERICHOST | NI_NUMERICSERV);
    reverse("127.0.0.1", 80, NI_NUMERICHOST);
    reverse("127.0.0.1", 8080, 0);
    reverse("127.0.0.1", 53, NI_DGRAM);
    reverse("127.0.0.1", 12345, NI_NUMERICHOST);
    reverse6("::1", 443, NI_NUMERICHOST | NI_NUMERICSERV);

    host_by_name("127.0.0.1");
    host_by_name("127.1");

    service("http", "tcp");
    service("http", "udp");
    service("www", NULL);
    service("domain", "udp");
    service("no-such-service", NULL);
    return 0;
}
