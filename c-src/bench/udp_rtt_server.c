/* udp_rtt_server PORT: echoes every datagram to its sender; a 1-byte
 * datagram is the client's "stop" and ends the program after its echo. */
#include "bench.h"

int main(int argc, char **argv) {
    const char *usage = "udp_rtt_server PORT";
    if (argc != 2) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = loopback_addr(NULL, (int)arg_long(argv[1], usage));
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    ready();
    char buf[2048];
    for (;;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("recvfrom");
        }
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len) < 0) die("sendto");
        if (n == 1) break;
    }
    close(fd);
    return 0;
}
