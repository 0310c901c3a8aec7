/*
 * scenario.c: the differential fuzzer's interpreter (docs/fuzz-diff.md).
 *
 *   scenario SCRIPT BASEPORT
 *
 * runs SCRIPT, socket operations separated by ';' on numbered handles, and
 * prints one line per operation, "INDEX OPERATION = RESULT", then "end".
 * The runner (test/diff/) runs the same script natively and on wasock and
 * requires the same output byte for byte, so everything printed must be free
 * of what legitimately differs between the two: errno numbers (names are
 * printed), ephemeral ports (":eph"), the base port (":pK"), the payload
 * (a hash of it).
 *
 * The script comes from a generator and, when shrunk, from its mutations:
 * any text must be survivable. An operation that does not parse prints
 * "= bad" and has no effect; the program goes on with the next one.
 */
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>

#include "common.h"

#define HANDLES 16
#define MAX_BYTES (1 << 20) /* the largest N of a data operation */
#define MAX_TOKENS 8
#define MAX_ENTRIES 64 /* H:EV entries in one poll or select */
#define MAX_EVENTS 64  /* the largest MAX of one epoll_wait */

/* Each handle is what a C program's `int fd` variable would be: it keeps its
 * number after close, so a stale handle reaches whatever reuses it. */
static int fds[HANDLES];
/* The address family of the socket a handle was opened as (0: never opened,
 * treated as IPv4): bind, connect and sendto build addresses of it. */
static int families[HANDLES];
/* How many bytes of its outgoing pattern each handle has sent so far. */
static uint64_t sent[HANDLES];

static int base_port;
static unsigned char buf[MAX_BYTES];

/* The text after " = " for the current operation, built up piece by piece. */
static char result[4096];
static size_t result_len;

static void put(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(result + result_len, sizeof result - result_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        result_len += (size_t)n;
    if (result_len >= sizeof result)
        result_len = sizeof result - 1;
}

static void put_errno(void) { put("-1 %s", errname(errno)); }

/* "0" or "-1 ENAME" for a call that returns 0 or -1. */
static void put_rc(int rc) {
    if (rc < 0)
        put_errno();
    else
        put("0");
}

/* FNV-1a, 32 bits: says which bytes moved, in order, in eight characters. */
static uint32_t fnv1a(const unsigned char *p, size_t n) {
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

/* "N hHASH" for a read-like call, "-1 ENAME" when it failed. */
static void put_data(ssize_t n) {
    if (n < 0)
        put_errno();
    else
        put("%ld h%08lx", (long)n, (unsigned long)fnv1a(buf, (size_t)n));
}

/* Fills buf with the next n bytes of handle h's pattern, which differs from
 * handle to handle and repeats only every 128 KiB (c * 131 alone would every
 * 256 bytes; c >> 9 shifts it), so a hash catches lost, repeated or
 * reordered chunks. */
static void fill_pattern(int h, size_t n) {
    uint64_t c = sent[h];
    for (size_t i = 0; i < n; i++, c++)
        buf[i] = (uint8_t)(c * 131 + (uint64_t)h * 17 + (c >> 9));
}

/* After a write-like call of the pattern: the bytes not taken are sent
 * again by the next one, as a program retrying a short write would. */
static void put_sent(int h, ssize_t n) {
    if (n < 0) {
        put_errno();
        return;
    }
    sent[h] += (uint64_t)n;
    put("%ld", (long)n);
}

/* ---- parsing: every function returns 0 when its token is malformed ---- */

/* A decimal integer in [lo, hi]: an optional '-' and digits, nothing else. */
static int num(const char *s, long long lo, long long hi, int *out) {
    int neg = 0;
    long long v = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
        if (v > 10000000000LL) /* far out of any range; stops overflow */
            return 0;
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return 0;
    *out = (int)v;
    return 1;
}

static int handle(const char *s, int *h) { return num(s, 0, HANDLES - 1, h); }
static int count(const char *s, int *n) { return num(s, 0, MAX_BYTES, n); }
static int millis(const char *s, int *ms) { return num(s, 0, 0x7fffffff, ms); }

/* dup2's target: a descriptor number, or "hK" for the number handle K holds
 * (dup2 onto a live descriptor closes it first; onto itself is a no-op). */
static int target_fd(const char *s, int *out) {
    int k;
    if (s[0] == 'h')
        return handle(s + 1, &k) ? (*out = fds[k], 1) : 0;
    return num(s, 0, 65535, out);
}

/* "pK" (BASEPORT + K, K 0..7) or "0". */
static int port(const char *s, int *out) {
    if (strcmp(s, "0") == 0) {
        *out = 0;
        return 1;
    }
    if (s[0] == 'p' && s[1] >= '0' && s[1] <= '7' && s[2] == '\0') {
        *out = base_port + (s[1] - '0');
        return 1;
    }
    return 0;
}

/* "-" or '+'-joined names from peek, dontwait, waitall; `allowed` limits
 * which (send takes only dontwait). */
static int msg_flags(const char *s, int allowed, int *out) {
    *out = 0;
    if (strcmp(s, "-") == 0)
        return 1;
    for (;;) {
        const char *end = strchr(s, '+');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        int f;
        if (len == 4 && strncmp(s, "peek", 4) == 0)
            f = MSG_PEEK;
        else if (len == 8 && strncmp(s, "dontwait", 8) == 0)
            f = MSG_DONTWAIT;
        else if (len == 7 && strncmp(s, "waitall", 7) == 0)
            f = MSG_WAITALL;
        else
            return 0;
        if (!(f & allowed))
            return 0;
        *out |= f;
        if (!end)
            return 1;
        s = end + 1;
    }
}

/* ---- addresses ---- */

/* Loopback or the wildcard at `p`, in the family handle h was opened as. */
static socklen_t make_addr(int h, int any, int p, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (families[h] == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)p);
        s6->sin6_addr = any ? in6addr_any : in6addr_loopback;
        return sizeof *s6;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)p);
    s4->sin_addr.s_addr = htonl(any ? INADDR_ANY : INADDR_LOOPBACK);
    return sizeof *s4;
}

/* "127.0.0.1:p3", "[::1]:eph", "0.0.0.0:0"; "?" for no address at all
 * (callers zero the storage, so a call that fills nothing shows as "?"). */
static void put_addr(const struct sockaddr_storage *ss) {
    char text[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = (const struct sockaddr *)ss;
    if (ss->ss_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, text, sizeof text);
        put("%s", text);
    } else if (ss->ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, text, sizeof text);
        put("[%s]", text);
    } else {
        put("?");
        return;
    }
    int p = port_of(sa);
    if (p == 0)
        put(":0");
    else if (p >= base_port && p < base_port + 8)
        put(":p%d", p - base_port);
    else
        put(":eph");
}

/* ---- socket options ---- */

enum { OPT_BOOL, OPT_LINGER, OPT_TIMEO };

static const struct option {
    const char *name;
    int level, optname, kind;
} options[] = {
    {"reuseaddr", SOL_SOCKET, SO_REUSEADDR, OPT_BOOL},
    {"keepalive", SOL_SOCKET, SO_KEEPALIVE, OPT_BOOL},
    {"nodelay", IPPROTO_TCP, TCP_NODELAY, OPT_BOOL},
    {"broadcast", SOL_SOCKET, SO_BROADCAST, OPT_BOOL},
    {"v6only", IPPROTO_IPV6, IPV6_V6ONLY, OPT_BOOL},
    {"linger", SOL_SOCKET, SO_LINGER, OPT_LINGER},
    {"rcvtimeo", SOL_SOCKET, SO_RCVTIMEO, OPT_TIMEO},
    {"sndtimeo", SOL_SOCKET, SO_SNDTIMEO, OPT_TIMEO},
};

static const struct option *option_named(const char *name) {
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (strcmp(options[i].name, name) == 0)
            return &options[i];
    return NULL;
}

/* setopt: the value token is checked for the option's kind first. */
static int setopt(int fd, const struct option *o, const char *value) {
    int v;
    if (o->kind == OPT_BOOL) {
        if (!num(value, 0, 1, &v))
            return 0;
        put_rc(setsockopt(fd, o->level, o->optname, &v, sizeof v));
    } else if (o->kind == OPT_LINGER) {
        if (!num(value, -1, 0x7fffffff, &v))
            return 0;
        struct linger lg;
        lg.l_onoff = v >= 0;
        lg.l_linger = v >= 0 ? v : 0;
        put_rc(setsockopt(fd, o->level, o->optname, &lg, sizeof lg));
    } else {
        if (!millis(value, &v))
            return 0;
        struct timeval tv;
        tv.tv_sec = v / 1000;
        tv.tv_usec = (v % 1000) * 1000;
        put_rc(setsockopt(fd, o->level, o->optname, &tv, sizeof tv));
    }
    return 1;
}

static void getopt_value(int fd, const struct option *o) {
    if (o->kind == OPT_BOOL) {
        int v = 0;
        socklen_t len = sizeof v;
        if (getsockopt(fd, o->level, o->optname, &v, &len) < 0)
            put_errno();
        else
            put("%d", v != 0); /* Linux may report any nonzero for "on" */
    } else if (o->kind == OPT_LINGER) {
        struct linger lg;
        socklen_t len = sizeof lg;
        memset(&lg, 0, sizeof lg);
        if (getsockopt(fd, o->level, o->optname, &lg, &len) < 0)
            put_errno();
        else
            put("%d", lg.l_onoff ? lg.l_linger : -1);
    } else {
        struct timeval tv;
        socklen_t len = sizeof tv;
        memset(&tv, 0, sizeof tv);
        if (getsockopt(fd, o->level, o->optname, &tv, &len) < 0)
            put_errno();
        else
            put("%lld", (long long)tv.tv_sec * 1000 + (long long)tv.tv_usec / 1000);
    }
}

/* ---- multi-handle operations ---- */

/* Splits "H:X,H:X,..." into handles and X texts (pointers into s, which is
 * modified). Returns the number of entries, 0 when malformed. */
static int entries(char *s, int *hs, char **xs) {
    int n = 0;
    for (;;) {
        if (n == MAX_ENTRIES)
            return 0;
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        char *colon = strchr(s, ':');
        if (!colon)
            return 0;
        *colon = '\0';
        if (!handle(s, &hs[n]))
            return 0;
        xs[n++] = colon + 1;
        if (!comma)
            return n;
        s = comma + 1;
    }
}

static int op_poll(char **t) {
    int ms, hs[MAX_ENTRIES];
    char *xs[MAX_ENTRIES];
    struct pollfd pfd[MAX_ENTRIES];
    int n = entries(t[2], hs, xs);
    if (!millis(t[1], &ms) || n == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        short ev;
        if (strcmp(xs[i], "in") == 0)
            ev = POLLIN;
        else if (strcmp(xs[i], "out") == 0)
            ev = POLLOUT;
        else if (strcmp(xs[i], "inout") == 0)
            ev = POLLIN | POLLOUT;
        else
            return 0;
        pfd[i].fd = fds[hs[i]];
        pfd[i].events = ev;
        pfd[i].revents = 0;
    }
    int rc = poll(pfd, (nfds_t)n, ms);
    if (rc < 0) {
        put_errno();
        return 1;
    }
    put("%d", rc);
    static const struct { short bit; const char *name; } bits[] = {
        {POLLIN, "IN"}, {POLLOUT, "OUT"}, {POLLERR, "ERR"}, {POLLHUP, "HUP"}, {POLLNVAL, "NVAL"},
    };
    for (int i = 0; i < n; i++) {
        put(" %d:", hs[i]);
        const char *sep = "";
        for (size_t b = 0; b < sizeof bits / sizeof bits[0]; b++)
            if (pfd[i].revents & bits[b].bit) {
                put("%s%s", sep, bits[b].name);
                sep = "|";
            }
        if (*sep == '\0')
            put("-");
    }
    return 1;
}

static int op_select(char **t) {
    int ms, hs[MAX_ENTRIES], want[MAX_ENTRIES];
    char *xs[MAX_ENTRIES];
    int n = entries(t[2], hs, xs);
    if (!millis(t[1], &ms) || n == 0)
        return 0;
    fd_set sets[3];
    for (int k = 0; k < 3; k++)
        FD_ZERO(&sets[k]);
    int top = -1;
    for (int i = 0; i < n; i++) {
        want[i] = 0;
        for (const char *c = xs[i]; *c; c++) {
            const char *at = strchr("rwe", *c);
            if (!at)
                return 0;
            want[i] |= 1 << (at - "rwe");
        }
        if (want[i] == 0)
            return 0;
    }
    for (int i = 0; i < n; i++) {
        int fd = fds[hs[i]];
        /* select has no "skip me" like poll's -1: such an entry is left out
         * (and FD_SET beyond FD_SETSIZE would overflow the set). */
        if (fd < 0 || fd >= FD_SETSIZE)
            continue;
        for (int k = 0; k < 3; k++)
            if (want[i] & (1 << k))
                FD_SET(fd, &sets[k]);
        if (fd > top)
            top = fd;
    }
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    int rc = select(top + 1, &sets[0], &sets[1], &sets[2], &tv);
    if (rc < 0) {
        put_errno();
        return 1;
    }
    put("%d", rc);
    for (int i = 0; i < n; i++) {
        int fd = fds[hs[i]];
        put(" %d:", hs[i]);
        int any = 0;
        for (int k = 0; k < 3; k++)
            if (fd >= 0 && fd < FD_SETSIZE && (want[i] & (1 << k)) && FD_ISSET(fd, &sets[k])) {
                put("%c", "rwe"[k]);
                any = 1;
            }
        if (!any)
            put("-");
    }
    return 1;
}

/* ---- epoll ---- */

static const struct {
    uint32_t bit;
    const char *name;
} epoll_bits[] = {
    {EPOLLIN, "in"}, {EPOLLOUT, "out"}, {EPOLLPRI, "pri"}, {EPOLLERR, "err"},
    {EPOLLHUP, "hup"}, {EPOLLRDHUP, "rdhup"}, {EPOLLET, "et"}, {EPOLLONESHOT, "oneshot"},
};

/* "-" or '+'-joined names from the table above (the flags a program asks
 * epoll_ctl for). */
static int epoll_flags(const char *s, uint32_t *out) {
    *out = 0;
    if (strcmp(s, "-") == 0)
        return 1;
    for (;;) {
        const char *end = strchr(s, '+');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        size_t b = 0;
        while (b < sizeof epoll_bits / sizeof epoll_bits[0] &&
               !(strlen(epoll_bits[b].name) == len && strncmp(s, epoll_bits[b].name, len) == 0))
            b++;
        if (b == sizeof epoll_bits / sizeof epoll_bits[0])
            return 0;
        *out |= epoll_bits[b].bit;
        if (!end)
            return 1;
        s = end + 1;
    }
}

/* "IN|OUT|…" in the table's order, "-" for none, and any other bit in hex
 * (which neither side should report). */
static void put_epoll_events(uint32_t ev) {
    const char *sep = "";
    for (size_t b = 0; b < sizeof epoll_bits / sizeof epoll_bits[0]; b++)
        if (ev & epoll_bits[b].bit) {
            put("%s", sep);
            for (const char *c = epoll_bits[b].name; *c; c++)
                put("%c", *c - 'a' + 'A');
            sep = "|";
            ev &= ~epoll_bits[b].bit;
        }
    if (ev)
        put("%s0x%x", sep, (unsigned)ev), sep = "|";
    if (*sep == '\0')
        put("-");
}

/* ectl E add|mod|del H EVENTS: registers H's descriptor with the handle
 * number as its data, which is what ewait prints. */
static int op_ectl(char **t) {
    int e, h, op;
    uint32_t ev;
    if (!handle(t[1], &e) || !handle(t[3], &h) || !epoll_flags(t[4], &ev))
        return 0;
    if (strcmp(t[2], "add") == 0)
        op = EPOLL_CTL_ADD;
    else if (strcmp(t[2], "mod") == 0)
        op = EPOLL_CTL_MOD;
    else if (strcmp(t[2], "del") == 0)
        op = EPOLL_CTL_DEL;
    else
        return 0;
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = ev;
    event.data.u64 = (uint64_t)h;
    put_rc(epoll_ctl(fds[e], op, fds[h], &event));
    return 1;
}

static int by_data_then_events(const void *a, const void *b) {
    const struct epoll_event *x = a, *y = b;
    if (x->data.u64 != y->data.u64)
        return x->data.u64 < y->data.u64 ? -1 : 1;
    return x->events < y->events ? -1 : x->events > y->events;
}

/* ewait E MAX MS: one epoll_wait. Several ready descriptors may come in any
 * order (Linux's ready list; README, epoll), so they are printed sorted by
 * handle: "N H:EVENTS…". */
static int op_ewait(char **t) {
    int e, max, ms;
    struct epoll_event events[MAX_EVENTS];
    if (!handle(t[1], &e) || !num(t[2], 1, MAX_EVENTS, &max) || !num(t[3], -1, 0x7fffffff, &ms))
        return 0;
    memset(events, 0, sizeof events);
    int rc = epoll_wait(fds[e], events, max, ms);
    if (rc < 0) {
        put_errno();
        return 1;
    }
    put("%d", rc);
    qsort(events, (size_t)rc, sizeof events[0], by_data_then_events);
    for (int i = 0; i < rc; i++) {
        put(" %llu:", (unsigned long long)events[i].data.u64);
        put_epoll_events(events[i].events);
    }
    return 1;
}

/* settle: waits until n bytes are queued without taking them, so that a
 * following read sees the same amount on every platform however the bytes
 * were split in flight. */
static void settle(int fd, int n, int ms) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        long left = ms - elapsed_ms(&start);
        struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
        int rc = poll(&p, 1, left > 0 ? (int)left : 0);
        if (rc < 0) {
            put("%s", errname(errno));
            return;
        }
        ssize_t got = recv(fd, buf, (size_t)n, MSG_PEEK | MSG_DONTWAIT);
        if (got >= n) {
            put("ok");
            return;
        }
        if (got == 0) {
            put("eof");
            return;
        }
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            put("%s", errname(errno));
            return;
        }
        if (elapsed_ms(&start) >= ms) {
            put("timeout");
            return;
        }
        /* Readable but short of n: poll would return at once again. */
        if (rc > 0) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
}

/* The runner releases both sides of a pair script together: it waits for
 * "@sync K" from each, then writes a line to each one's stdin. */
static void sync_point(int k) {
    char line[256];
    printf("@sync %d\n", k);
    fflush(stdout);
    /* A line longer than the buffer is still one release. */
    while (fgets(line, sizeof line, stdin) != NULL && strchr(line, '\n') == NULL)
        ;
    put("0");
}

/* An operation by name and token count; a wrong count falls through to bad. */
#define IS(name, ntokens) (n == (ntokens) && strcmp(t[0], name) == 0)

/* Runs one operation given as n tokens; returns 0 when it is malformed, in
 * which case it has done nothing. */
static int run_op(char **t, int n) {
    int h, h2, v, p, fl;
    struct sockaddr_storage ss;
    socklen_t len;

    if (IS("socket", 3)) {
        int fam, type;
        if (!handle(t[1], &h))
            return 0;
        if (strcmp(t[2], "tcp4") == 0)
            fam = AF_INET, type = SOCK_STREAM;
        else if (strcmp(t[2], "tcp6") == 0)
            fam = AF_INET6, type = SOCK_STREAM;
        else if (strcmp(t[2], "udp4") == 0)
            fam = AF_INET, type = SOCK_DGRAM;
        else if (strcmp(t[2], "udp6") == 0)
            fam = AF_INET6, type = SOCK_DGRAM;
        else
            return 0;
        /* As `fd = socket(...)` would: a failure leaves -1 in the handle. */
        fds[h] = socket(fam, type, 0);
        families[h] = fam;
        if (fds[h] < 0)
            put_errno();
        else
            put("fd %d", fds[h]);
    } else if (IS("close", 2)) {
        if (!handle(t[1], &h))
            return 0;
        put_rc(close(fds[h]));
    } else if (IS("bind", 4) || IS("connect", 4)) {
        int any = strcmp(t[2], "any") == 0;
        int is_bind = t[0][0] == 'b';
        if (!handle(t[1], &h) || !port(t[3], &p))
            return 0;
        if (strcmp(t[2], "lo") != 0 && !(any && is_bind))
            return 0;
        len = make_addr(h, any, p, &ss);
        put_rc(is_bind ? bind(fds[h], (struct sockaddr *)&ss, len) : connect(fds[h], (struct sockaddr *)&ss, len));
    } else if (IS("listen", 3)) {
        if (!handle(t[1], &h) || !num(t[2], -0x7fffffffLL - 1, 0x7fffffff, &v))
            return 0;
        put_rc(listen(fds[h], v));
    } else if (IS("accept", 3)) {
        if (!handle(t[1], &h) || !handle(t[2], &h2))
            return 0;
        memset(&ss, 0, sizeof ss);
        len = sizeof ss;
        /* As `newfd = accept(...)` would: a failure leaves -1 in NEWH. */
        fds[h2] = accept(fds[h], (struct sockaddr *)&ss, &len);
        families[h2] = families[h];
        if (fds[h2] < 0) {
            put_errno();
        } else {
            put("fd %d ", fds[h2]);
            put_addr(&ss);
        }
    } else if (IS("write", 3)) {
        if (!handle(t[1], &h) || !count(t[2], &v))
            return 0;
        fill_pattern(h, (size_t)v);
        put_sent(h, write(fds[h], buf, (size_t)v));
    } else if (IS("send", 4)) {
        if (!handle(t[1], &h) || !count(t[2], &v) || !msg_flags(t[3], MSG_DONTWAIT, &fl))
            return 0;
        fill_pattern(h, (size_t)v);
        put_sent(h, send(fds[h], buf, (size_t)v, fl));
    } else if (IS("sendto", 5)) {
        if (!handle(t[1], &h) || strcmp(t[2], "lo") != 0 || !port(t[3], &p) || !count(t[4], &v))
            return 0;
        len = make_addr(h, 0, p, &ss);
        fill_pattern(h, (size_t)v);
        put_sent(h, sendto(fds[h], buf, (size_t)v, 0, (struct sockaddr *)&ss, len));
    } else if (IS("read", 3)) {
        if (!handle(t[1], &h) || !count(t[2], &v))
            return 0;
        put_data(read(fds[h], buf, (size_t)v));
    } else if (IS("readn", 3)) {
        if (!handle(t[1], &h) || !count(t[2], &v))
            return 0;
        size_t got = 0;
        const char *why = "full";
        while (got < (size_t)v) {
            ssize_t r = read(fds[h], buf + got, (size_t)v - got);
            if (r <= 0) {
                why = r == 0 ? "eof" : errname(errno);
                break;
            }
            got += (size_t)r;
        }
        put_data((ssize_t)got);
        put(" %s", why);
    } else if (IS("recv", 4)) {
        if (!handle(t[1], &h) || !count(t[2], &v) || !msg_flags(t[3], MSG_PEEK | MSG_DONTWAIT | MSG_WAITALL, &fl))
            return 0;
        put_data(recv(fds[h], buf, (size_t)v, fl));
    } else if (IS("recvfrom", 4)) {
        if (!handle(t[1], &h) || !count(t[2], &v) || !msg_flags(t[3], MSG_PEEK | MSG_DONTWAIT | MSG_WAITALL, &fl))
            return 0;
        memset(&ss, 0, sizeof ss);
        len = sizeof ss;
        ssize_t r = recvfrom(fds[h], buf, (size_t)v, fl, (struct sockaddr *)&ss, &len);
        put_data(r);
        if (r >= 0) {
            put(" ");
            put_addr(&ss);
        }
    } else if (IS("shutdown", 3)) {
        int how;
        if (!handle(t[1], &h))
            return 0;
        if (strcmp(t[2], "rd") == 0)
            how = SHUT_RD;
        else if (strcmp(t[2], "wr") == 0)
            how = SHUT_WR;
        else if (strcmp(t[2], "rdwr") == 0)
            how = SHUT_RDWR;
        else
            return 0;
        put_rc(shutdown(fds[h], how));
    } else if (IS("setopt", 4)) {
        const struct option *o = option_named(t[2]);
        if (!handle(t[1], &h) || !o)
            return 0;
        return setopt(fds[h], o, t[3]);
    } else if (IS("getopt", 3)) {
        const struct option *o = option_named(t[2]);
        if (!handle(t[1], &h) || !o)
            return 0;
        getopt_value(fds[h], o);
    } else if (IS("nonblock", 3)) {
        if (!handle(t[1], &h) || !num(t[2], 0, 1, &v))
            return 0;
        int flags = fcntl(fds[h], F_GETFL);
        put_rc(flags < 0 ? -1 : fcntl(fds[h], F_SETFL, v ? flags | O_NONBLOCK : flags & ~O_NONBLOCK));
    } else if (IS("poll", 3)) {
        return op_poll(t);
    } else if (IS("select", 3)) {
        return op_select(t);
    } else if (IS("sockname", 2) || IS("peername", 2)) {
        if (!handle(t[1], &h))
            return 0;
        memset(&ss, 0, sizeof ss);
        len = sizeof ss;
        int rc = t[0][0] == 's' ? getsockname(fds[h], (struct sockaddr *)&ss, &len)
                                : getpeername(fds[h], (struct sockaddr *)&ss, &len);
        if (rc < 0)
            put_errno();
        else
            put_addr(&ss);
    } else if (IS("soerror", 2)) {
        if (!handle(t[1], &h))
            return 0;
        int err = 0;
        len = sizeof err;
        if (getsockopt(fds[h], SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            put_errno();
        else
            put("%s", errname(err));
    } else if (IS("dup", 3)) {
        if (!handle(t[1], &h) || !handle(t[2], &h2))
            return 0;
        /* As `newfd = dup(fd)` would: a failure leaves -1 in NEWH. */
        fds[h2] = dup(fds[h]);
        families[h2] = families[h];
        if (fds[h2] < 0)
            put_errno();
        else
            put("fd %d", fds[h2]);
    } else if (IS("dup2", 4)) {
        if (!handle(t[1], &h) || !handle(t[2], &h2) || !target_fd(t[3], &v))
            return 0;
        fds[h2] = dup2(fds[h], v);
        families[h2] = families[h];
        if (fds[h2] < 0)
            put_errno();
        else
            put("fd %d", fds[h2]);
    } else if (IS("pipe", 3)) {
        int ends[2];
        if (!handle(t[1], &h) || !handle(t[2], &h2))
            return 0;
        if (pipe(ends) < 0) {
            fds[h] = fds[h2] = -1;
            put_errno();
        } else {
            fds[h] = ends[0];
            fds[h2] = ends[1];
            put("fd %d %d", ends[0], ends[1]);
        }
    } else if (IS("epoll", 2)) {
        if (!handle(t[1], &h))
            return 0;
        fds[h] = epoll_create1(0);
        if (fds[h] < 0)
            put_errno();
        else
            put("fd %d", fds[h]);
    } else if (IS("ectl", 5)) {
        return op_ectl(t);
    } else if (IS("ewait", 4)) {
        return op_ewait(t);
    } else if (IS("settle", 4)) {
        if (!handle(t[1], &h) || !count(t[2], &v) || !millis(t[3], &p))
            return 0;
        settle(fds[h], v, p);
    } else if (IS("sleep", 2)) {
        if (!millis(t[1], &v))
            return 0;
        struct timespec ts = {v / 1000, (long)(v % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        put("0");
    } else if (IS("sync", 2)) {
        if (!num(t[1], 0, 0x7fffffff, &v))
            return 0;
        sync_point(v);
    } else {
        return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3 || !num(argv[2], 1, 65535 - 7, &base_port)) {
        fprintf(stderr, "usage: %s SCRIPT BASEPORT\n", argv[0]);
        return 2;
    }
    for (int h = 0; h < HANDLES; h++)
        fds[h] = -1;
    /* A write to a broken connection or a pipe without a reader fails with
     * EPIPE instead of ending the program (the runner also starts native
     * runs with SIGPIPE ignored; on wasock SIGPIPE's default ends it). */
    signal(SIGPIPE, SIG_IGN);

    /* Two copies: one cut into operations, printed as written, and one
     * for the current operation's tokens (argv stays as ps shows it). */
    size_t script_len = strlen(argv[1]);
    char *script = malloc(script_len + 1), *tokens = malloc(script_len + 1);
    if (!script || !tokens) {
        fprintf(stderr, "out of memory\n");
        return 2;
    }
    memcpy(script, argv[1], script_len + 1);
    /* An empty script has no operations; otherwise every ';'-separated piece
     * is one, an empty piece included (it prints "bad"). */
    char *op = script;
    for (int index = 0; script_len > 0; index++) {
        char *end = strchr(op, ';');
        if (end)
            *end = '\0';
        strcpy(tokens, op);
        char *t[MAX_TOKENS];
        int n = 0, ok = 1;
        for (char *s = tokens;;) {
            if (n == MAX_TOKENS) {
                ok = 0;
                break;
            }
            t[n++] = s;
            char *space = strchr(s, ' ');
            if (!space)
                break;
            *space = '\0';
            s = space + 1;
        }
        for (int i = 0; i < n && ok; i++)
            if (*t[i] == '\0') /* doubled, leading or trailing space */
                ok = 0;
        result_len = 0;
        result[0] = '\0';
        if (!ok || !run_op(t, n)) {
            result_len = 0;
            put("bad");
        }
        printf("%d %s = %s\n", index, op, result);
        fflush(stdout);
        if (!end)
            break;
        op = end + 1;
    }
    printf("end\n");
    fflush(stdout);
    return 0;
}
