/* wasock overlay for <netinet/tcp.h>: makes sure the TCP option names libsock implements exist. */
#if __has_include_next(<netinet/tcp.h>)
#include_next <netinet/tcp.h>
#endif

#ifndef WASOCK_OVERLAY_NETINET_TCP_H
#define WASOCK_OVERLAY_NETINET_TCP_H

#ifndef TCP_NODELAY
#define TCP_NODELAY 1
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 4
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 5
#endif
#ifndef TCP_QUICKACK
#define TCP_QUICKACK 12
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif

#endif /* WASOCK_OVERLAY_NETINET_TCP_H */
