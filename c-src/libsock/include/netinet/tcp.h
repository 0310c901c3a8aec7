/* wasock overlay for <netinet/tcp.h>: makes sure TCP_NODELAY exists. */
#if __has_include_next(<netinet/tcp.h>)
#include_next <netinet/tcp.h>
#endif

#ifndef WASOCK_OVERLAY_NETINET_TCP_H
#define WASOCK_OVERLAY_NETINET_TCP_H

#ifndef TCP_NODELAY
#define TCP_NODELAY 1
#endif

#endif /* WASOCK_OVERLAY_NETINET_TCP_H */
