/* udp_rtt_client HOST PORT N: N ping-pongs of a 64-byte datagram; prints the
 * mean microseconds per round trip, then sends the 1-byte "stop". Loopback
 * does not drop a lone datagram, and the runner's deadline bounds the rest. */
#include "bench.h"

#define MSG 64

int main(int argc, char **argv) {
    const char *usage = "udp_rtt_client HOST PORT N";
    if (argc != 4) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int port = (int)arg_long(argv[2], usage);
    long n = arg_long(argv[3], usage);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in server = loopback_addr(argv[1], port);
    char msg[MSG], back[2048];
    memset(msg, 'u', sizeof msg);
    double start = now_s();
    for (long i = 0; i < n; i++) {
        if (sendto(fd, msg, MSG, 0, (struct sockaddr *)&server, sizeof server) != MSG) die("sendto");
        ssize_t got = recvfrom(fd, back, sizeof back, 0, NULL, NULL);
        if (got < 0) die("recvfrom");
        if (got != MSG) { fprintf(stderr, "echo of %ld bytes, expected %d\n", (long)got, MSG); return 1; }
    }
    double secs = now_s() - start;
    if (sendto(fd, "s", 1, 0, (struct sockaddr *)&server, sizeof server) != 1) die("sendto");
    recvfrom(fd, back, sizeof back, 0, NULL, NULL);
    close(fd);
    result(secs * 1e6 / (double)n, "us");
    return 0;
}
