/*
 * wasock overlay for <arpa/inet.h>: older wasi-libc declares inet_pton and
 * inet_ntop but leaves out the IPv4 classics; libsock implements them.
 */
#include_next <arpa/inet.h>

#ifndef WASOCK_OVERLAY_ARPA_INET_H
#define WASOCK_OVERLAY_ARPA_INET_H

#ifdef __cplusplus
extern "C" {
#endif

/* Compatible redeclarations are harmless, so no guard is needed. */
in_addr_t inet_addr(const char *);
int inet_aton(const char *, struct in_addr *);
char *inet_ntoa(struct in_addr);

#ifdef __cplusplus
}
#endif

#endif /* WASOCK_OVERLAY_ARPA_INET_H */
