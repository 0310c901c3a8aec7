/*
 * socket_constants.c: the textbook prints its constants ("SOCK_STREAM: 1")
 * to show what socket() gets; every socket-level name must print Linux's
 * number, and the calls must still understand them: a stream and a datagram
 * socket report their type through SO_TYPE, their family through
 * getsockname, and a peek with Linux's MSG_PEEK leaves the byte in place.
 */
#include "common.h"

#include <netinet/tcp.h>

#define SHOW(x) printf("%-16s %d\n", #x, (int)(x))

int main(void) {
    SHOW(SOCK_STREAM); SHOW(SOCK_DGRAM); SHOW(SOCK_RAW); SHOW(SOCK_SEQPACKET);
    SHOW(SOCK_NONBLOCK); SHOW(SOCK_CLOEXEC);
    SHOW(AF_UNSPEC); SHOW(AF_UNIX); SHOW(AF_LOCAL); SHOW(AF_INET); SHOW(AF_INET6);
    SHOW(PF_UNSPEC); SHOW(PF_UNIX); SHOW(PF_INET); SHOW(PF_INET6);
    SHOW(SOL_SOCKET); SHOW(SOL_IP); SHOW(SOL_TCP); SHOW(SOL_IPV6);
    SHOW(SO_DEBUG); SHOW(SO_REUSEADDR); SHOW(SO_TYPE); SHOW(SO_ERROR); SHOW(SO_DONTROUTE);
    SHOW(SO_BROADCAST); SHOW(SO_SNDBUF); SHOW(SO_RCVBUF); SHOW(SO_KEEPALIVE); SHOW(SO_OOBINLINE);
    SHOW(SO_LINGER); SHOW(SO_REUSEPORT); SHOW(SO_RCVLOWAT); SHOW(SO_SNDLOWAT);
    SHOW(SO_RCVTIMEO); SHOW(SO_SNDTIMEO); SHOW(SO_ACCEPTCONN);
    SHOW(IPPROTO_IP); SHOW(IPPROTO_TCP); SHOW(IPPROTO_UDP); SHOW(IPPROTO_IPV6);
    SHOW(IP_TTL); SHOW(IP_MULTICAST_TTL); SHOW(IP_ADD_MEMBERSHIP); SHOW(IPV6_V6ONLY); SHOW(TCP_NODELAY);
    SHOW(MSG_OOB); SHOW(MSG_PEEK); SHOW(MSG_DONTROUTE); SHOW(MSG_TRUNC); SHOW(MSG_DONTWAIT);
    SHOW(MSG_WAITALL); SHOW(MSG_NOSIGNAL);
    SHOW(SHUT_RD); SHOW(SHUT_WR); SHOW(SHUT_RDWR);
    SHOW(SOMAXCONN); SHOW(INADDR_ANY); SHOW(INADDR_LOOPBACK != 0);

    /* The numbers reach the calls as Linux's. */
    int types[] = {SOCK_STREAM, SOCK_DGRAM};
    for (int i = 0; i < 2; i++) {
        int fd = socket(PF_INET, types[i], 0);
        int type = -1;
        socklen_t len = sizeof type;
        getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd, (struct sockaddr *)&a, sizeof a);
        struct sockaddr_storage got;
        socklen_t glen = sizeof got;
        getsockname(fd, (struct sockaddr *)&got, &glen);
        printf("socket(PF_INET, %d): SO_TYPE %d, family %d\n", types[i], type, got.ss_family);
        close(fd);
    }
    int fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    printf("socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC): %s, O_NONBLOCK %d\n",
           fd6 >= 0 ? "ok" : errname(errno), (fcntl(fd6, F_GETFL) & O_NONBLOCK) != 0);
    close(fd6);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(u1, (struct sockaddr *)&a, sizeof a);
    socklen_t alen = sizeof a;
    getsockname(u1, (struct sockaddr *)&a, &alen);
    sendto(u2, "xy", 2, 0, (struct sockaddr *)&a, sizeof a);
    char buf[4];
    ssize_t n1 = recv(u1, buf, 1, MSG_PEEK);
    ssize_t n2 = recv(u1, buf, sizeof buf, MSG_DONTWAIT);
    ssize_t n3 = recv(u1, buf, sizeof buf, MSG_DONTWAIT);
    printf("peek %zd, read %zd, then %zd %s\n", n1, n2, n3, errname(errno));
    errno = 0;
    int rc = shutdown(u1, SHUT_RDWR);
    printf("shutdown(SHUT_RDWR) on a datagram socket: %d %s\n", rc, errname(errno));
    errno = 0;
    rc = shutdown(u2, 3);
    printf("shutdown(fd, 3): %d %s\n", rc, errname(errno));
    close(u1);
    close(u2);
    return 0;
}
