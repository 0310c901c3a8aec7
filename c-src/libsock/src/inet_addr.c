/*
 * inet_aton(), inet_addr() and inet_ntoa(). Older wasi-libc declares
 * inet_aton but ships none of the three.
 *
 * inet_aton accepts the traditional BSD forms, as glibc does: one to four
 * parts separated by dots, each decimal, octal (leading 0) or hex (leading
 * 0x); the last part fills the remaining bytes ("127.1" is 127.0.0.1); the
 * text may end with whitespace and anything after it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>

/* Parses one part starting at *p (which must be a digit). Returns 0 when
 * the value does not fit in 32 bits. */
static int parse_part(const char **p, uint32_t *out) {
    const char *s = *p;
    unsigned base = 10;
    if (s[0] == '0') {
        if ((s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
            base = 16;
            s += 2;
        } else {
            base = 8;
        }
    }
    uint64_t v = 0;
    for (;; s++) {
        unsigned c = (unsigned char)*s;
        unsigned d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (d >= base)
            break; /* an 8 or 9 in octal ends the part; the caller rejects it */
        v = v * base + d;
        if (v > UINT32_MAX)
            return 0;
    }
    *p = s;
    *out = (uint32_t)v;
    return 1;
}

int inet_aton(const char *text, struct in_addr *addr) {
    uint32_t parts[4];
    int n = 0;
    const char *p = text;
    for (;;) {
        if (!isdigit((unsigned char)*p) || !parse_part(&p, &parts[n]))
            return 0;
        n++;
        if (*p != '.')
            break;
        if (n == 4)
            return 0;
        p++;
    }
    if (*p != '\0' && !isspace((unsigned char)*p))
        return 0;

    /* Every part but the last is one byte; the last covers what is left. */
    static const uint32_t last_max[] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
    uint32_t value = 0;
    for (int i = 0; i < n - 1; i++) {
        if (parts[i] > 0xff)
            return 0;
        value |= parts[i] << (24 - 8 * i);
    }
    if (parts[n - 1] > last_max[n - 1])
        return 0;
    value |= parts[n - 1];
    if (addr != NULL)
        addr->s_addr = htonl(value);
    return 1;
}

in_addr_t inet_addr(const char *text) {
    struct in_addr a;
    return inet_aton(text, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in) {
    /* Static storage, overwritten by each call, as the interface requires. */
    static char buf[INET_ADDRSTRLEN];
    const unsigned char *b = (const unsigned char *)&in.s_addr;
    snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}
