/*
 * wasm_policy_bypass.c: tries to get around a restrictive --allow-net from
 * inside the guest. test/policy-bypass.test.ts runs it under
 * --allow-net=127.0.0.1:PORT (or 127.0.0.2 for "localhost") with listeners
 * at the denied addresses and checks that every attempt fails with EACCES
 * and that nothing reaches them. Each line: what was tried, then the result.
 * Usage: wasm_policy_bypass tcp PORT OTHER    spellings of 127.0.0.2:PORT
 *        wasm_policy_bypass udp PORT OTHER    sendto around a connected socket
 *        wasm_policy_bypass bind PORT OTHER   bind outside the list
 *        wasm_policy_bypass localhost PORT    a name that resolves elsewhere
 */
#include <netdb.h>
#include "common.h"

static void result(const char *what, int rc) {
    printf("%s: %s\n", what, rc == 0 ? "ALLOWED" : errname(errno));
}

static int connect4(const char *what, in_addr_t addr, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(port);
    sin.sin_addr.s_addr = addr;
    int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
    result(what, rc);
    close(fd);
    return rc;
}

static struct sockaddr_in6 v6(const char *text, int port) {
    struct sockaddr_in6 s;
    memset(&s, 0, sizeof s);
    s.sin6_family = AF_INET6;
    s.sin6_port = htons(port);
    check(inet_pton(AF_INET6, text, &s.sin6_addr) == 1, "inet_pton");
    return s;
}

/* inet_aton's view of a spelling, then a connect to it. */
static void spelled(const char *text, int port) {
    struct in_addr a;
    char what[96];
    if (!inet_aton(text, &a)) {
        printf("inet_aton(\"%s\"): rejected\n", text);
        return;
    }
    snprintf(what, sizeof what, "connect to \"%s\" (= %s)", text, inet_ntoa(a));
    connect4(what, a.s_addr, port);
}

static void tcp(int port, int other) {
    /* IPv4-mapped and IPv4-compatible IPv6 spellings of 127.0.0.2. */
    const char *six[] = {"::ffff:127.0.0.2", "::ffff:7f00:2", "::127.0.0.2"};
    for (size_t i = 0; i < sizeof six / sizeof six[0]; i++) {
        int fd = socket(AF_INET6, SOCK_STREAM, 0);
        check(fd >= 0, "socket");
        struct sockaddr_in6 s = v6(six[i], port);
        char what[64];
        snprintf(what, sizeof what, "connect to [%s]", six[i]);
        result(what, connect(fd, (struct sockaddr *)&s, sizeof s));
        close(fd);
    }
    /* inet_aton / inet_addr spellings: hex, octal, one number, short forms. */
    const char *spellings[] = {"0x7f.0.0.2", "0177.0.0.02", "2130706434", "0x7f000002", "127.2", "127.0.2", "0x7F.0x0.0x0.0x2"};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
        spelled(spellings[i], port);
    in_addr_t a = inet_addr("2130706434");
    connect4("connect to inet_addr(\"2130706434\")", a, port);
    /* The allowed address on another port (the port is part of the rule). */
    connect4("connect to 127.0.0.1, another port", htonl(INADDR_LOOPBACK), other);
}

static void udp(int port, int other) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in ok = loopback4(port);
    result("connect udp to 127.0.0.1 (allowed)", connect(fd, (struct sockaddr *)&ok, sizeof ok));
    result("send on the connected socket (allowed)", send(fd, "allowed", 7, 0) == 7 ? 0 : -1);
    struct sockaddr_in denied = loopback4(port);
    denied.sin_addr.s_addr = inet_addr("127.0.0.2");
    result("sendto 127.0.0.2 on the connected socket", sendto(fd, "denied", 6, 0, (struct sockaddr *)&denied, sizeof denied) == 6 ? 0 : -1);
    struct sockaddr_in elsewhere = loopback4(other);
    result("sendto 127.0.0.1, another port, on the connected socket", sendto(fd, "denied", 6, 0, (struct sockaddr *)&elsewhere, sizeof elsewhere) == 6 ? 0 : -1);
    close(fd);

    int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
    check(fd6 >= 0, "socket");
    struct sockaddr_in6 mapped = v6("::ffff:127.0.0.2", port);
    result("sendto [::ffff:127.0.0.2] on an IPv6 socket", sendto(fd6, "denied", 6, 0, (struct sockaddr *)&mapped, sizeof mapped) == 6 ? 0 : -1);
    struct sockaddr_in6 mapped_ok = v6("::ffff:127.0.0.1", port);
    result("connect udp to [::ffff:127.0.0.1] (allowed)", connect(fd6, (struct sockaddr *)&mapped_ok, sizeof mapped_ok));
    result("sendto [::ffff:127.0.0.2] on it", sendto(fd6, "denied", 6, 0, (struct sockaddr *)&mapped, sizeof mapped) == 6 ? 0 : -1);
    close(fd6);
}

static void bind_outside(int port, int other) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(other);
    result("bind 127.0.0.1, a port outside the list", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    sin.sin_addr.s_addr = inet_addr("127.0.0.2");
    sin.sin_port = htons(port);
    result("bind 127.0.0.2, the allowed port", bind(fd, (struct sockaddr *)&sin, sizeof sin));
    close(fd);
    fd = socket(AF_INET6, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in6 s6 = v6("::ffff:127.0.0.1", other);
    result("bind [::ffff:127.0.0.1], a port outside the list", bind(fd, (struct sockaddr *)&s6, sizeof s6));
    close(fd);
    int ufd = socket(AF_INET, SOCK_DGRAM, 0);
    check(ufd >= 0, "socket");
    struct sockaddr_in u = loopback4(other);
    result("bind udp 127.0.0.1, a port outside the list", bind(ufd, (struct sockaddr *)&u, sizeof u));
    close(ufd);
    /* The allowed port: this one works (and shows the test's port is right). */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in allowed = loopback4(port);
    result("bind 127.0.0.1, the allowed port", bind(fd, (struct sockaddr *)&allowed, sizeof allowed));
    result("listen on it", listen(fd, 1));
    close(fd);
}

static void localhost(int port) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo("localhost", service, &hints, &res);
    if (rc != 0) {
        printf("getaddrinfo(\"localhost\"): %s%s%s\n", rc == EAI_SYSTEM ? "EAI_SYSTEM" : rc == EAI_NONAME ? "EAI_NONAME" : "other EAI error",
               rc == EAI_SYSTEM ? ", errno " : "", rc == EAI_SYSTEM ? errname(errno) : "");
        return;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, 0);
        check(fd >= 0, "socket");
        char what[96];
        snprintf(what, sizeof what, "getaddrinfo(\"localhost\") gave %s; connect", addr_text(ai->ai_addr));
        result(what, connect(fd, ai->ai_addr, ai->ai_addrlen));
        close(fd);
    }
    freeaddrinfo(res);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s tcp|udp|bind PORT OTHER, or localhost PORT\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[2]);
    if (strcmp(argv[1], "tcp") == 0)
        tcp(port, port_arg(argc, argv, 3));
    else if (strcmp(argv[1], "udp") == 0)
        udp(port, port_arg(argc, argv, 3));
    else if (strcmp(argv[1], "bind") == 0)
        bind_outside(port, port_arg(argc, argv, 3));
    else if (strcmp(argv[1], "localhost") == 0)
        localhost(port);
    else
        return 2;
    return 0;
}
