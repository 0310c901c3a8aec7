/*
 * inet_ntop(). wasi-libc has one, but it writes IPv4-compatible IPv6
 * addresses (::a.b.c.d) in hex, where glibc writes the dotted quad; ours
 * follows glibc so a program prints the same natively and as wasm. Defining
 * it here keeps libc.a's member out of the link.
 *
 * IPv6 text follows the usual rules: groups in lowercase hex without leading
 * zeros, the longest run of two or more zero groups (the leftmost on a tie)
 * written as "::", and a dotted quad for the last 32 bits when the address is
 * IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *finish(const char *text, char *dst, socklen_t size) {
    if (strlen(text) >= size) {
        errno = ENOSPC;
        return NULL;
    }
    strcpy(dst, text);
    return dst;
}

static const char *ntop4(const unsigned char *b, char *dst, socklen_t size) {
    char text[INET_ADDRSTRLEN];
    snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return finish(text, dst, size);
}

static const char *ntop6(const unsigned char *b, char *dst, socklen_t size) {
    unsigned words[8];
    for (int i = 0; i < 8; i++)
        words[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];

    /* The longest run of zero groups; too short a run is not compressed. */
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (words[i] != 0) {
            i++;
            continue;
        }
        int start = i;
        while (i < 8 && words[i] == 0)
            i++;
        if (i - start > best_len) {
            best = start;
            best_len = i - start;
        }
    }
    if (best_len < 2)
        best = -1;

    char text[INET6_ADDRSTRLEN];
    char *p = text;
    for (int i = 0; i < 8; i++) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                *p++ = ':';
            continue;
        }
        if (i != 0)
            *p++ = ':';
        int embedded_v4 = i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff));
        if (embedded_v4) {
            p += sprintf(p, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
            break;
        }
        p += sprintf(p, "%x", words[i]);
    }
    if (best >= 0 && best + best_len == 8)
        *p++ = ':';
    *p = '\0';
    return finish(text, dst, size);
}

const char *inet_ntop(int af, const void *__restrict src, char *__restrict dst, socklen_t size) {
    if (af == AF_INET)
        return ntop4(src, dst, size);
    if (af == AF_INET6)
        return ntop6(src, dst, size);
    errno = EAFNOSUPPORT;
    return NULL;
}
