/*
 * wasock overlay for <netdb.h>. Older wasi-libc ships no netdb.h at all;
 * newer sysroots may ship one, so we include it when present and then fill in
 * only what is still missing. Constants use the Linux/glibc numbers, so a
 * program that prints them behaves as it does natively.
 */
#if __has_include_next(<netdb.h>)
#include_next <netdb.h>
#endif

#ifndef WASOCK_OVERLAY_NETDB_H
#define WASOCK_OVERLAY_NETDB_H

#include <sys/socket.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A sysroot that has AI_PASSIVE has struct addrinfo beside it. */
#ifndef AI_PASSIVE
struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
};

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_V4MAPPED 0x08
#define AI_ALL 0x10
#define AI_ADDRCONFIG 0x20
#define AI_NUMERICSERV 0x400
#endif

#ifndef EAI_NONAME
#define EAI_BADFLAGS -1
#define EAI_NONAME -2
#define EAI_AGAIN -3
#define EAI_FAIL -4
#define EAI_NODATA -5
#define EAI_FAMILY -6
#define EAI_SOCKTYPE -7
#define EAI_SERVICE -8
#define EAI_MEMORY -10
#define EAI_SYSTEM -11
#define EAI_OVERFLOW -12
#endif
/* glibc's code for "the name exists, but not in the family asked for". */
#ifndef EAI_ADDRFAMILY
#define EAI_ADDRFAMILY -9
#endif

#ifndef NI_NUMERICHOST
#define NI_NUMERICHOST 0x01
#define NI_NUMERICSERV 0x02
#define NI_NOFQDN 0x04
#define NI_NAMEREQD 0x08
#define NI_DGRAM 0x10
#endif
#ifndef NI_MAXHOST
#define NI_MAXHOST 255
#endif
#ifndef NI_MAXSERV
#define NI_MAXSERV 32
#endif

/* A sysroot that has HOST_NOT_FOUND has struct hostent beside it. */
#ifndef HOST_NOT_FOUND
struct hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype;
    int h_length;
    char **h_addr_list;
};
#define h_addr h_addr_list[0]

struct servent {
    char *s_name;
    char **s_aliases;
    int s_port;
    char *s_proto;
};

#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4
#define NO_ADDRESS NO_DATA
#endif

#ifndef h_errno
int *__h_errno_location(void);
#define h_errno (*__h_errno_location())
#endif

/* Compatible redeclarations are harmless, so prototypes need no guard. */
int getaddrinfo(const char *__restrict, const char *__restrict,
                const struct addrinfo *__restrict, struct addrinfo **__restrict);
void freeaddrinfo(struct addrinfo *);
const char *gai_strerror(int);
int getnameinfo(const struct sockaddr *__restrict, socklen_t, char *__restrict,
                socklen_t, char *__restrict, socklen_t, int);
struct hostent *gethostbyname(const char *);
struct hostent *gethostbyaddr(const void *, socklen_t, int);
struct servent *getservbyname(const char *, const char *);
struct servent *getservbyport(int, const char *);
const char *hstrerror(int);
void herror(const char *);

#ifdef __cplusplus
}
#endif

#endif /* WASOCK_OVERLAY_NETDB_H */
