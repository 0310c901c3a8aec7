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

/*
 * The socket constants as Linux spells them. wasi-libc numbers some of them
 * its own way (SOCK_STREAM 6 and SOCK_DGRAM 5 are WASI filetypes, AF_INET 1,
 * SOL_SOCKET 0x7fffffff, SHUT_* and MSG_PEEK/WAITALL/TRUNC are WASI bits), so
 * a program printing them would print something else than natively. libsock
 * only ever compares against these names and translates them to the ABI's
 * codes (codes.c, socket.c, shutdown.c, recv.c), and it replaces every
 * libc.a function that takes them (inet_pton, getsockopt, accept4, recv…).
 * Defined unconditionally after the sysroot's header, so they win whatever
 * a sysroot says.
 */
#undef SOCK_STREAM
#undef SOCK_DGRAM
#undef SOCK_RAW
#undef SOCK_RDM
#undef SOCK_SEQPACKET
#undef SOCK_NONBLOCK
#undef SOCK_CLOEXEC
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

#undef PF_UNSPEC
#undef PF_LOCAL
#undef PF_UNIX
#undef PF_INET
#undef PF_INET6
#undef AF_UNSPEC
#undef AF_LOCAL
#undef AF_UNIX
#undef AF_INET
#undef AF_INET6
#define PF_UNSPEC 0
#define PF_LOCAL 1
#define PF_UNIX PF_LOCAL
#define PF_INET 2
#define PF_INET6 10
#define AF_UNSPEC PF_UNSPEC
#define AF_LOCAL PF_LOCAL
#define AF_UNIX PF_UNIX
#define AF_INET PF_INET
#define AF_INET6 PF_INET6

#undef SOL_SOCKET
#define SOL_SOCKET 1
#ifndef SOL_IP
#define SOL_IP 0
#endif
#ifndef SOL_TCP
#define SOL_TCP 6
#endif
#ifndef SOL_IPV6
#define SOL_IPV6 41
#endif

#undef SHUT_RD
#undef SHUT_WR
#undef SHUT_RDWR
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#undef MSG_OOB
#undef MSG_PEEK
#undef MSG_DONTROUTE
#undef MSG_CTRUNC
#undef MSG_TRUNC
#undef MSG_DONTWAIT
#undef MSG_EOR
#undef MSG_WAITALL
#undef MSG_NOSIGNAL
#undef MSG_MORE
#define MSG_OOB 0x0001
#define MSG_PEEK 0x0002
#define MSG_DONTROUTE 0x0004
#define MSG_CTRUNC 0x0008
#define MSG_TRUNC 0x0020
#define MSG_DONTWAIT 0x0040
#define MSG_EOR 0x0080
#define MSG_WAITALL 0x0100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000

#undef SOMAXCONN
#define SOMAXCONN 4096 /* glibc's and the kernel's since 5.4 */

/* Socket options at SOL_SOCKET, Linux's numbers where a sysroot has none. */
#ifndef SO_DEBUG
#define SO_DEBUG 1
#endif
#ifndef SO_REUSEADDR
#define SO_REUSEADDR 2
#endif
#ifndef SO_DONTROUTE
#define SO_DONTROUTE 5
#endif
#ifndef SO_OOBINLINE
#define SO_OOBINLINE 10
#endif
#ifndef SO_PRIORITY
#define SO_PRIORITY 12
#endif
#ifndef SO_RCVLOWAT
#define SO_RCVLOWAT 18
#endif
#ifndef SO_SNDLOWAT
#define SO_SNDLOWAT 19
#endif
#ifndef SO_BINDTODEVICE
#define SO_BINDTODEVICE 25
#endif
#ifndef SO_ACCEPTCONN
#define SO_ACCEPTCONN 30
#endif
#ifndef SO_PROTOCOL
#define SO_PROTOCOL 38
#endif
#ifndef SO_DOMAIN
#define SO_DOMAIN 39
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
/* x86-64's numbers: wasm32's struct timeval has a 64-bit tv_sec, as there. */
#undef SO_RCVTIMEO
#undef SO_SNDTIMEO
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21


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
