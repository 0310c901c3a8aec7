/*
 * common.h: small helpers shared by the conformance programs.
 *
 * Every program prints only what is the same from run to run and from libc
 * to libc: errno values by name from a fixed table (strerror's wording
 * differs between C libraries), addresses without ephemeral ports, poll
 * flags by name.
 */
#ifndef CONFORMANCE_COMMON_H
#define CONFORMANCE_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline const char *errname(int e) {
    switch (e) {
    case 0: return "0";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ECONNABORTED: return "ECONNABORTED";
    case EPIPE: return "EPIPE";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENOTSOCK: return "ENOTSOCK";
    case ENOTCONN: return "ENOTCONN";
    case EISCONN: return "EISCONN";
    case EINVAL: return "EINVAL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EPROTOTYPE: return "EPROTOTYPE";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EINPROGRESS: return "EINPROGRESS";
    case EALREADY: return "EALREADY";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EMSGSIZE: return "EMSGSIZE";
    case EACCES: return "EACCES";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EFAULT: return "EFAULT";
    case EINTR: return "EINTR";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case ENOSYS: return "ENOSYS";
    case EDOM: return "EDOM";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    case EBUSY: return "EBUSY";
    case ENAMETOOLONG: return "ENAMETOOLONG";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    case EPROTO: return "EPROTO";
    case ENODEV: return "ENODEV";
    default: {
        static char other[32];
        snprintf(other, sizeof other, "errno %d", e);
        return other;
    }
    }
}

/* Prints "what: -1 NAME" for a failed call, or "what: RESULT" for success. */
static inline void report(const char *what, long result) {
    if (result < 0)
        printf("%s: -1 %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, result);
}

/* Exits with the call's errno name when a step that must work fails. */
static inline void check(int ok, const char *what) {
    if (!ok) {
        printf("FAILED %s: %s\n", what, errname(errno));
        exit(1);
    }
}

/* The names of the poll bits set in `revents`, or "0". The result stays
 * valid for four calls, so one printf can show several. */
static inline const char *pollbits(short revents) {
    static char texts[4][64];
    static int next;
    char *text = texts[next++ % 4];
    text[0] = '\0';
    if (revents & POLLIN) strcat(text, "|POLLIN");
    if (revents & POLLOUT) strcat(text, "|POLLOUT");
    if (revents & POLLERR) strcat(text, "|POLLERR");
    if (revents & POLLHUP) strcat(text, "|POLLHUP");
    if (revents & POLLNVAL) strcat(text, "|POLLNVAL");
    return text[0] ? text + 1 : "0";
}

/* "127.0.0.1" or "::1" (no port: ports are ephemeral); valid for four calls. */
static inline const char *addr_text(const struct sockaddr *sa) {
    static char texts[4][INET6_ADDRSTRLEN + 16];
    static int next;
    char *text = texts[next++ % 4];
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof texts[0]);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof texts[0]);
    else
        snprintf(text, sizeof texts[0], "family %d", sa->sa_family);
    return text;
}

/* Whether len is the size of the sockaddr structure for sa's family (the
 * sizes themselves differ between C libraries). */
static inline int sa_len_ok(const struct sockaddr *sa, socklen_t len) {
    if (sa->sa_family == AF_INET)
        return len == sizeof(struct sockaddr_in);
    if (sa->sa_family == AF_INET6)
        return len == sizeof(struct sockaddr_in6);
    return 0;
}

static inline int port_of(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    if (sa->sa_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return -1;
}

static inline int local_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    check(getsockname(fd, (struct sockaddr *)&ss, &len) == 0, "getsockname");
    return port_of((struct sockaddr *)&ss);
}

static inline struct sockaddr_in loopback4(int port) {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    return sin;
}

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks. */
static inline int listen_loopback(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(0);
    check(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    check(listen(fd, 16) == 0, "listen");
    *port = local_port(fd);
    return fd;
}

/* A server's TCP socket listening on 127.0.0.1:port, with SO_REUSEADDR as
 * servers set it (the two-sided tests restart on the same ports). */
static inline int listen_on(int port, int backlog) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in sin = loopback4(port);
    check(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    check(listen(fd, backlog) == 0, "listen");
    return fd;
}

/* A TCP listener (backlog 5) and a UDP socket, both bound to
 * 127.0.0.1:port: what the host-lifecycle guests hold open when they end. */
static inline void listen_tcp_udp(int port, int *lfd, int *ufd) {
    *lfd = socket(AF_INET, SOCK_STREAM, 0);
    check(*lfd >= 0, "socket");
    struct sockaddr_in sin = loopback4(port);
    check(bind(*lfd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    check(listen(*lfd, 5) == 0, "listen");
    *ufd = socket(AF_INET, SOCK_DGRAM, 0);
    check(*ufd >= 0, "socket");
    check(bind(*ufd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind udp");
}

/* A blocking TCP connection to 127.0.0.1:port. */
static inline int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(port);
    check(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "connect");
    return fd;
}

/* Both ends of one loopback TCP connection, made inside this process. */
static inline void tcp_pair(int *client, int *server) {
    int port;
    int lfd = listen_loopback(&port);
    *client = connect_loopback(port);
    *server = accept(lfd, NULL, NULL);
    check(*server >= 0, "accept");
    close(lfd);
}

/* A port that nothing listens on now: bound, read back and closed again. */
static inline int closed_port(void) {
    int port;
    int fd = listen_loopback(&port);
    close(fd);
    return port;
}

static inline long elapsed_ms(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/* Writes all of buf (for blocking sockets). */
static inline void write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        check(n > 0, "write");
        p += n;
        len -= (size_t)n;
    }
}

/* Reads exactly len bytes unless EOF comes first; returns the count. */
static inline size_t read_full(int fd, void *buf, size_t len) {
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        check(n >= 0, "read");
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static inline int port_arg(int argc, char **argv, int index) {
    if (argc <= index) {
        fprintf(stderr, "usage: %s port\n", argv[0]);
        exit(2);
    }
    return atoi(argv[index]);
}

#endif
