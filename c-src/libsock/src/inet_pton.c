/*
 * inet_pton(). libc.a has one, but it was built with wasi-libc's AF_INET (1)
 * and AF_INET6 (2), where libsock's headers give Linux's 2 and 10: defining
 * it here keeps that member out of the link. Accepts what glibc accepts:
 * four decimal parts of at most three digits, no leading zeros; IPv6 groups
 * of at most four hex digits, one "::", an optional dotted quad at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static int pton4(const char *s, unsigned char out[4]) {
    for (int part = 0; part < 4; part++) {
        if (part > 0 && *s++ != '.')
            return 0;
        if (*s < '0' || *s > '9')
            return 0;
        unsigned v = 0;
        int digits = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return 0;
        }
        if (digits > 1 && *start == '0')
            return 0;
        out[part] = (unsigned char)v;
    }
    return *s == '\0';
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int pton6(const char *s, unsigned char out[16]) {
    unsigned char buf[16];
    int n = 0;       /* bytes written to buf */
    int gap = -1;    /* where "::" was, in bytes */
    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        s += 2;
        gap = 0;
        if (*s == '\0')
            goto done;
    }
    for (;;) {
        const char *group = s;
        unsigned v = 0;
        int digits = 0;
        int h;
        while ((h = hexval(*s)) >= 0) {
            v = v << 4 | (unsigned)h;
            s++;
            if (++digits > 4)
                return 0;
        }
        if (digits == 0)
            return 0;
        if (*s == '.') {
            /* A dotted quad: only as the last 32 bits. */
            if (n > 12 || pton4(group, buf + n) != 1)
                return 0;
            n += 4;
            break;
        }
        if (n > 14)
            return 0;
        buf[n++] = (unsigned char)(v >> 8);
        buf[n++] = (unsigned char)v;
        if (*s == '\0')
            break;
        if (*s++ != ':')
            return 0;
        if (*s == ':') {
            if (gap >= 0)
                return 0;
            gap = n;
            s++;
            if (*s == '\0')
                break;
        } else if (*s == '\0') {
            return 0; /* a trailing single ':' */
        }
    }
done:
    if (gap >= 0) {
        if (n == 16)
            return 0; /* "::" must stand for at least one group */
        memset(out, 0, 16);
        memcpy(out, buf, (size_t)gap);
        memcpy(out + 16 - (n - gap), buf + gap, (size_t)(n - gap));
        return 1;
    }
    if (n != 16)
        return 0;
    memcpy(out, buf, 16);
    return 1;
}

int inet_pton(int af, const char *__restrict src, void *__restrict dst) {
    if (af == AF_INET)
        return pton4(src, dst);
    if (af == AF_INET6)
        return pton6(src, dst);
    errno = EAFNOSUPPORT;
    return -1;
}
