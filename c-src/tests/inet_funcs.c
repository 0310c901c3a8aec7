/*
 * inet_funcs.c: the address-conversion functions on fixed loopback inputs.
 * Built natively and as wasm; the two outputs must be identical, which holds
 * libsock's inet_addr / inet_aton / inet_ntoa to glibc's behaviour (and
 * checks wasi-libc's inet_pton / inet_ntop and byte-order helpers too).
 * Nothing here touches the network.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Prints the bytes of an object in memory order, so byte order shows. */
static void print_bytes(const char *label, const void *p, size_t n) {
    const unsigned char *b = p;
    printf("%s:", label);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", b[i]);
    printf("\n");
}

static void try_aton(const char *text) {
    struct in_addr a;
    memset(&a, 0, sizeof a);
    int ok = inet_aton(text, &a);
    printf("inet_aton(\"%s\") = %d", text, ok);
    if (ok)
        printf(" -> %s (0x%08x)", inet_ntoa(a), (unsigned)ntohl(a.s_addr));
    printf("\n");
}

static void try_addr(const char *text) {
    in_addr_t v = inet_addr(text);
    printf("inet_addr(\"%s\") = 0x%08x%s\n", text, (unsigned)ntohl(v),
           v == INADDR_NONE ? " (INADDR_NONE)" : "");
}

static void try_pton(int af, const char *afname, const char *text) {
    unsigned char buf[16];
    char back[INET6_ADDRSTRLEN];
    int ok = inet_pton(af, text, buf);
    printf("inet_pton(%s, \"%s\") = %d", afname, text, ok);
    if (ok == 1)
        printf(" -> inet_ntop \"%s\"", inet_ntop(af, buf, back, sizeof back));
    printf("\n");
}

int main(void) {
    static const char *aton_inputs[] = {
        "127.0.0.1", "127.1",       "127.0.1",       "2130706433", "0177.0.0.1",
        "0x7f.0.0.1", "0x7F000001", "127.0.0.1 tail", "127.0.0.256", "127.0.0.1.1",
        "127.0.0.",  "",            "localhost",     "127.0.0.08", "0x",
        "127.65535", "127.0.65535", "127.0.65536",  "4294967295", "4294967296",
    };
    for (size_t i = 0; i < sizeof aton_inputs / sizeof aton_inputs[0]; i++)
        try_aton(aton_inputs[i]);

    try_addr("127.0.0.1");
    try_addr("127.0.0.2");
    try_addr("255.255.255.255");
    try_addr("127.0.0.300");

    struct in_addr lo;
    lo.s_addr = htonl(INADDR_LOOPBACK);
    printf("inet_ntoa(INADDR_LOOPBACK) = %s\n", inet_ntoa(lo));
    lo.s_addr = htonl(INADDR_ANY);
    printf("inet_ntoa(INADDR_ANY) = %s\n", inet_ntoa(lo));

    uint16_t port = htons(8080);
    uint32_t addr = htonl(INADDR_LOOPBACK);
    print_bytes("htons(8080)", &port, sizeof port);
    print_bytes("htonl(INADDR_LOOPBACK)", &addr, sizeof addr);
    printf("ntohs(htons(8080)) = %u\n", (unsigned)ntohs(port));
    printf("ntohl(htonl(INADDR_LOOPBACK)) = 0x%08x\n", (unsigned)ntohl(addr));

    try_pton(AF_INET, "AF_INET", "127.0.0.1");
    try_pton(AF_INET, "AF_INET", "127.1");
    try_pton(AF_INET, "AF_INET", "127.0.0.256");
    try_pton(AF_INET6, "AF_INET6", "::1");
    try_pton(AF_INET6, "AF_INET6", "0:0:0:0:0:0:0:1");
    try_pton(AF_INET6, "AF_INET6", "::ffff:127.0.0.1");
    try_pton(AF_INET6, "AF_INET6", "::");
    try_pton(AF_INET6, "AF_INET6", ":::1");
    try_pton(AF_INET6, "AF_INET6", "127.0.0.1");

    char small[3];
    unsigned char one[16] = {0};
    one[15] = 1;
    errno = 0;
    const char *r = inet_ntop(AF_INET6, one, small, sizeof small);
    printf("inet_ntop into 3 bytes: %s, errno %s\n", r ? r : "NULL",
           errno == ENOSPC ? "ENOSPC" : "other");
    return 0;
}
