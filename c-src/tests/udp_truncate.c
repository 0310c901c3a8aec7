/*
 * udp_truncate.c: a datagram larger than the receive buffer is truncated
 * as on Linux: recv returns the buffer's length, the rest of that datagram
 * is discarded, and the next recv gets the next datagram whole.
 */
#include "common.h"

int main(void) {
    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    check(rx >= 0 && tx >= 0, "socket");
    struct sockaddr_in sin = loopback4(0);
    check(bind(rx, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    sin.sin_port = htons(local_port(rx));

    char big[100];
    for (int i = 0; i < 100; i++)
        big[i] = (char)('a' + i % 26);
    printf("sendto 100: %zd\n", sendto(tx, big, 100, 0, (struct sockaddr *)&sin, sizeof sin));
    printf("sendto 5: %zd\n", sendto(tx, "small", 5, 0, (struct sockaddr *)&sin, sizeof sin));
    printf("sendto 3000: %zd\n", sendto(tx, memset(malloc(3000), 'q', 3000), 3000, 0, (struct sockaddr *)&sin, sizeof sin));

    char buf[10];
    ssize_t n = recv(rx, buf, sizeof buf, 0);
    printf("recv into 10 bytes: %zd \"%.*s\"\n", n, (int)n, buf);
    n = recv(rx, buf, sizeof buf, 0);
    printf("next recv: %zd \"%.*s\"\n", n, (int)n, buf);
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    static char page[4096];
    n = recvfrom(rx, page, 1000, 0, (struct sockaddr *)&from, &flen);
    printf("recvfrom into 1000 bytes: %zd from %s\n", n, addr_text((struct sockaddr *)&from));
    report("recv with nothing queued (MSG_DONTWAIT)", recv(rx, buf, sizeof buf, MSG_DONTWAIT));

    /* A datagram too big for UDP over IPv4 is refused. */
    static char huge[70000];
    report("sendto 70000 bytes", sendto(tx, huge, sizeof huge, 0, (struct sockaddr *)&sin, sizeof sin));
    close(rx);
    close(tx);
    return 0;
}
