/*
 * inet_pton_ntop.c: text <-> binary address conversion in both families,
 * the canonical IPv6 text forms inet_ntop produces (zero compression,
 * lower case, embedded IPv4), rejected inputs, a too-small output buffer
 * (ENOSPC) and an unknown family (EAFNOSUPPORT).
 */
#include "common.h"

static void v6(const char *text) {
    struct in6_addr a;
    char out[INET6_ADDRSTRLEN];
    int rc = inet_pton(AF_INET6, text, &a);
    if (rc != 1) {
        printf("inet_pton(AF_INET6, \"%s\") = %d\n", text, rc);
        return;
    }
    printf("inet_pton(AF_INET6, \"%s\") = 1 -> \"%s\"\n", text, inet_ntop(AF_INET6, &a, out, sizeof out));
}

static void v4(const char *text) {
    struct in_addr a;
    char out[INET_ADDRSTRLEN];
    int rc = inet_pton(AF_INET, text, &a);
    if (rc != 1) {
        printf("inet_pton(AF_INET, \"%s\") = %d\n", text, rc);
        return;
    }
    printf("inet_pton(AF_INET, \"%s\") = 1 -> 0x%08x \"%s\"\n", text, (unsigned)ntohl(a.s_addr),
           inet_ntop(AF_INET, &a, out, sizeof out));
}

int main(void) {
    const char *six[] = {
        /* Loopback, unspecified and IPv4-mapped loopback only, in every
         * spelling the parser must accept (no other address belongs in a test). */
        "::1", "::", "0:0:0:0:0:0:0:1", "0::1", "0:0:0::0:0:1", "::0:0:1", "0000:0000::0001",
        "::ffff:127.0.0.1", "::FFFF:7F00:1", "0:0:0:0:0:ffff:127.1.2.3", "::ffff:7f01:203",
        "::127.0.0.1", ":::1", "1::2::3", "12345::", "::1%lo", "g::1", "",
        "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3",
    };
    for (size_t i = 0; i < sizeof six / sizeof six[0]; i++)
        v6(six[i]);
    const char *four[] = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "127.1", "127.0.0.01",
                          "256.0.0.1", "1.2.3.4.5", " 127.0.0.1", "0x7f.0.0.1", ""};
    for (size_t i = 0; i < sizeof four / sizeof four[0]; i++)
        v4(four[i]);

    struct in_addr a;
    a.s_addr = htonl(INADDR_LOOPBACK);
    char small[8];
    errno = 0;
    const char *r = inet_ntop(AF_INET, &a, small, sizeof small);
    printf("inet_ntop into 8 bytes: %s errno=%s\n", r ? r : "NULL", errname(errno));
    struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;
    char out6[INET6_ADDRSTRLEN];
    printf("inet_ntop(in6addr_loopback) = %s\n", inet_ntop(AF_INET6, &in6addr_loopback, out6, sizeof out6));
    printf("IN6ADDR_LOOPBACK_INIT equals in6addr_loopback: %d\n", memcmp(&lo6, &in6addr_loopback, sizeof lo6) == 0);
    printf("inet_ntop(in6addr_any) = %s\n", inet_ntop(AF_INET6, &in6addr_any, out6, sizeof out6));
    errno = 0;
    int rc = inet_pton(12345, "127.0.0.1", &a);
    printf("inet_pton(unknown family) = %d errno=%s\n", rc, errname(errno));
    errno = 0;
    r = inet_ntop(12345, &a, out6, sizeof out6);
    printf("inet_ntop(unknown family) = %s errno=%s\n", r ? r : "NULL", errname(errno));
    printf("INET_ADDRSTRLEN=%d INET6_ADDRSTRLEN=%d\n", INET_ADDRSTRLEN, INET6_ADDRSTRLEN);
    return 0;
}
