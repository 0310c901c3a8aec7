/*
 * wasock overlay for <netinet/in.h>: the sysroot's header plus, when a
 * sysroot lacks them, the IP-level option names libsock implements.
 */
#include <__wasock_std_compat.h>
#include_next <netinet/in.h>

#ifndef WASOCK_OVERLAY_NETINET_IN_H
#define WASOCK_OVERLAY_NETINET_IN_H

#ifndef IPPROTO_IP
#define IPPROTO_IP 0
#endif
#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#endif
#ifndef IPPROTO_UDP
#define IPPROTO_UDP 17
#endif
#ifndef IPPROTO_IPV6
#define IPPROTO_IPV6 41
#endif

#ifndef IP_TTL
#define IP_TTL 2
#endif
#ifndef IPV6_V6ONLY
#define IPV6_V6ONLY 26
#endif
#ifndef IP_MULTICAST_TTL
#define IP_MULTICAST_TTL 33
#endif
#ifndef IP_MULTICAST_LOOP
#define IP_MULTICAST_LOOP 34
#endif
#ifndef IP_ADD_MEMBERSHIP
#define IP_ADD_MEMBERSHIP 35
#endif
#ifndef IP_DROP_MEMBERSHIP
#define IP_DROP_MEMBERSHIP 36
#endif
#ifndef IPV6_MULTICAST_LOOP
#define IPV6_MULTICAST_LOOP 19
#endif

#endif /* WASOCK_OVERLAY_NETINET_IN_H */
