/*
 * wasock overlay for <sys/socket.h>: this directory sits before the wasi-libc
 * sysroot on the include path. We take the sysroot's header as it is, then add
 * what a socket program needs and older wasi-libc leaves out. Everything added
 * is guarded, so a newer sysroot that already has some of it wins.
 */
#include <__wasock_std_compat.h>
#include_next <sys/socket.h>

#ifndef WASOCK_OVERLAY_SYS_SOCKET_H
#define WASOCK_OVERLAY_SYS_SOCKET_H

/* Protocol families: POSIX spells them PF_*, wasi-libc only defines AF_*. */
#ifndef PF_UNSPEC
#define PF_UNSPEC AF_UNSPEC
#endif
#ifndef PF_INET
#define PF_INET AF_INET
#endif
#ifndef PF_INET6
#define PF_INET6 AF_INET6
#endif
#if !defined(PF_UNIX) && defined(AF_UNIX)
#define PF_UNIX AF_UNIX
#endif
#if !defined(PF_LOCAL) && defined(AF_UNIX)
#define PF_LOCAL AF_UNIX
#endif
#if !defined(AF_LOCAL) && defined(AF_UNIX)
#define AF_LOCAL AF_UNIX
#endif

#ifndef SOMAXCONN
#define SOMAXCONN 128
#endif

/* Socket options at SOL_SOCKET. Where wasi-libc has no number we use Linux's
 * (the 32-bit-long variants for the timeouts, as musl does on wasm32). libsock
 * only ever compares against these names, so the values just need to be
 * distinct. */
#ifndef SO_REUSEADDR
#define SO_REUSEADDR 2
#endif
#ifndef SO_TYPE
#define SO_TYPE 3
#endif
#ifndef SO_ERROR
#define SO_ERROR 4
#endif
#ifndef SO_BROADCAST
#define SO_BROADCAST 6
#endif
#ifndef SO_SNDBUF
#define SO_SNDBUF 7
#endif
#ifndef SO_RCVBUF
#define SO_RCVBUF 8
#endif
#ifndef SO_KEEPALIVE
#define SO_KEEPALIVE 9
#endif
#ifndef SO_LINGER
#define SO_LINGER 13
#endif
#ifndef SO_REUSEPORT
#define SO_REUSEPORT 15
#endif
#ifndef SO_RCVTIMEO
#define SO_RCVTIMEO 66
#endif
#ifndef SO_SNDTIMEO
#define SO_SNDTIMEO 67
#endif

/* Per-call flags. wasi-libc defines MSG_PEEK and MSG_WAITALL (as the WASI
 * riflags bits 1 and 2); these Linux values do not overlap them. */
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0x0040
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0x4000
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Redeclaring a function the sysroot already declares is harmless in C, so
 * these need no guard. libsock defines them all (and accept, accept4, send,
 * recv, shutdown, getsockopt, which the sysroot declares itself). */
int socket(int, int, int);
int bind(int, const struct sockaddr *, socklen_t);
int connect(int, const struct sockaddr *, socklen_t);
int listen(int, int);
int getsockname(int, struct sockaddr *__restrict, socklen_t *__restrict);
int getpeername(int, struct sockaddr *__restrict, socklen_t *__restrict);
ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
ssize_t recvfrom(int, void *__restrict, size_t, int, struct sockaddr *__restrict,
                 socklen_t *__restrict);
ssize_t sendmsg(int, const struct msghdr *, int);
ssize_t recvmsg(int, struct msghdr *, int);
int setsockopt(int, int, int, const void *, socklen_t);

#ifdef __cplusplus
}
#endif

#endif /* WASOCK_OVERLAY_SYS_SOCKET_H */
