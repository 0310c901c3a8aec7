/* bench.h: the few helpers every benchmark program shares. Plain POSIX, so
 * the same source builds natively and as wasm32-wasi with no #ifdef.
 *
 * Output contract (read by bench/run.mjs):
 *   READY            a server is listening/bound and may be connected to
 *   RESULT v unit    the program's one figure
 * Both are flushed at once because stdout is a pipe (fully buffered). */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* Monotonic seconds: wall-clock steps must not distort a measurement. */
static inline double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void die(const char *what) {
    perror(what);
    exit(1);
}

/* Positive integer argument, or exit with a usage message. */
static inline long arg_long(const char *s, const char *usage) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v <= 0) {
        fprintf(stderr, "usage: %s\n", usage);
        exit(2);
    }
    return v;
}

static inline void ready(void) {
    printf("READY\n");
    fflush(stdout);
}

static inline void result(double value, const char *unit) {
    printf("RESULT %.3f %s\n", value, unit);
    fflush(stdout);
}

static inline struct sockaddr_in loopback_addr(const char *host, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = host ? inet_addr(host) : htonl(INADDR_LOOPBACK);
    return a;
}

/* A listening TCP socket on 127.0.0.1:port (benchmarks stay on loopback). */
static inline int tcp_listen(int port, int backlog) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = loopback_addr(NULL, port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(fd, backlog) < 0) die("listen");
    return fd;
}

static inline int tcp_connect(const char *host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = loopback_addr(host, port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    return fd;
}

static inline void no_delay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt TCP_NODELAY");
}

/* write() until all of buf is gone: a stream socket may take less. */
static inline void write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write");
        }
        p += n;
        len -= (size_t)n;
    }
}

/* read() exactly len bytes; exits on EOF, which here means a broken peer. */
static inline void read_all(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read");
        }
        if (n == 0) {
            fprintf(stderr, "read: unexpected end of stream\n");
            exit(1);
        }
        p += n;
        len -= (size_t)n;
    }
}

#endif
