/*
 * sockopt_values.c: socket options with values: SO_RCVBUF / SO_SNDBUF read
 * back doubled as Linux does, SO_LINGER's struct, IP_TTL (default 64, set,
 * range checked), SO_RCVTIMEO / SO_SNDTIMEO's struct timeval.
 */
#include <sys/time.h>

#include "common.h"

static int get_int(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) < 0)
        return -1;
    return v;
}

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");

    printf("SO_RCVBUF default nonzero: %d\n", get_int(fd, SOL_SOCKET, SO_RCVBUF) > 0);
    printf("SO_SNDBUF default nonzero: %d\n", get_int(fd, SOL_SOCKET, SO_SNDBUF) > 0);
    int size = 32768;
    report("set SO_RCVBUF 32768", setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size));
    printf("SO_RCVBUF reads %d\n", get_int(fd, SOL_SOCKET, SO_RCVBUF));
    report("set SO_SNDBUF 32768", setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size));
    printf("SO_SNDBUF reads %d\n", get_int(fd, SOL_SOCKET, SO_SNDBUF));

    struct linger lg;
    socklen_t len = sizeof lg;
    getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len);
    printf("SO_LINGER default: onoff=%d linger=%d len=%d\n", lg.l_onoff, lg.l_linger, (int)len);
    lg.l_onoff = 1;
    lg.l_linger = 5;
    report("set SO_LINGER {1,5}", setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    memset(&lg, 0, sizeof lg);
    len = sizeof lg;
    getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len);
    printf("SO_LINGER reads: onoff=%d linger=%d\n", lg.l_onoff != 0, lg.l_linger);
    report("set SO_LINGER with short optlen", setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(int)));

    printf("IP_TTL default: %d\n", get_int(fd, IPPROTO_IP, IP_TTL));
    int ttl = 32;
    report("set IP_TTL 32", setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    printf("IP_TTL reads %d\n", get_int(fd, IPPROTO_IP, IP_TTL));
    ttl = 0;
    report("set IP_TTL 0", setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    ttl = 256;
    report("set IP_TTL 256", setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    ttl = -1;
    report("set IP_TTL -1 (back to default)", setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    printf("IP_TTL reads %d\n", get_int(fd, IPPROTO_IP, IP_TTL));

    struct timeval tv;
    len = sizeof tv;
    getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    printf("SO_RCVTIMEO default: %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    tv.tv_sec = 2;
    tv.tv_usec = 500000;
    report("set SO_RCVTIMEO 2.5 s", setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    memset(&tv, 0, sizeof tv);
    len = sizeof tv;
    getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    printf("SO_RCVTIMEO reads %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    tv.tv_sec = 1;
    tv.tv_usec = 0;
    report("set SO_SNDTIMEO 1 s", setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    memset(&tv, 0, sizeof tv);
    len = sizeof tv;
    getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len);
    printf("SO_SNDTIMEO reads %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    tv.tv_sec = 1;
    tv.tv_usec = 2000000;
    report("set SO_RCVTIMEO with tv_usec 2000000", setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));

    int err = -1;
    len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("SO_ERROR on a fresh socket: %s\n", errname(err));

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    ttl = 7;
    report("set IP_TTL 7 on UDP", setsockopt(udp, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    printf("IP_TTL on UDP reads %d\n", get_int(udp, IPPROTO_IP, IP_TTL));
    size = 65536;
    setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    printf("UDP SO_RCVBUF 65536 reads %d\n", get_int(udp, SOL_SOCKET, SO_RCVBUF));
    close(udp);
    close(fd);
    return 0;
}
