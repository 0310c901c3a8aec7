/*
 * reconnect_client.c: the other end of reconnect_server.c. Every
 * connection closes here first while the server still holds its end, and
 * the next one (same descriptor number) opens at once, so the server's
 * FIN for the old connection arrives while the descriptor is the new
 * one's: it must not end the new connection. In one run:
 *   1. 40 reconnects, a few hundred bytes echoed on each;
 *   2. 10 more, each after a UDP socket held the descriptor in between
 *      (it sends two datagrams to itself and closes, alternately with
 *      both still in flight and after reading one);
 *   3. 2 exchanges of 2 MiB in random-sized pieces (fixed seed), each
 *      piece's echo read back before the next.
 * Then an empty connection tells the server to stop.
 * Usage: reconnect_client PORT
 */
#include "common.h"
#include "sha256.h"

#define BIG (2 * 1024 * 1024)
#define PIECE_MAX 16384

static unsigned char data[BIG];
static int first_fd = -1;
static int server_port;

/* A check failed: closes `fd` and sends the empty connection that stops
 * the server (so a failing run ends at once, not at the harness's
 * timeout), then exits. */
static void give_up(int fd) {
    close(fd);
    close(connect_loopback(server_port));
    exit(1);
}

static uint32_t next_random(stream_gen *g) {
    unsigned char b[4];
    stream_fill(g, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Every socket this run opens must get the descriptor number the first did. */
static void same_descriptor(int fd, const char *what, int round) {
    if (first_fd < 0)
        first_fd = fd;
    if (fd != first_fd) {
        printf("FAILED %s %d: descriptor %d, the first was %d\n", what, round, fd, first_fd);
        give_up(fd);
    }
}

/* One connection: sends data[0..len) in pieces (random sizes from `sizes`,
 * or all at once), reads each piece's echo back before the next, closes
 * first. Returns the number of pieces. */
static long echo_once(int port, size_t len, stream_gen *sizes, const char *what, int round) {
    static unsigned char back[PIECE_MAX]; /* every piece fits: phases 1 and 2 send < 512 bytes */
    int fd = connect_loopback(port);
    same_descriptor(fd, what, round);
    long pieces = 0;
    for (size_t at = 0; at < len; pieces++) {
        size_t piece = sizes ? 1 + next_random(sizes) % PIECE_MAX : len;
        if (piece > len - at)
            piece = len - at;
        write_all(fd, data + at, piece);
        size_t got = read_full(fd, back, piece);
        if (got != piece || memcmp(back, data + at, piece) != 0) {
            printf("FAILED %s %d: %s at byte %zu of %zu\n", what, round, got != piece ? "EOF" : "wrong bytes", at + got, len);
            give_up(fd);
        }
        at += piece;
    }
    check(close(fd) == 0, "close");
    return pieces;
}

/* A UDP socket takes the descriptor: it sends two datagrams to itself and
 * closes with both in flight (`keep` 0) or after reading one (`keep` 1). */
static void udp_in_between(int round, int keep) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    check(fd >= 0, "socket udp");
    same_descriptor(fd, "udp socket", round);
    struct sockaddr_in sin = loopback4(0);
    check(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0, "bind udp");
    struct sockaddr_in self = loopback4(local_port(fd));
    for (int i = 0; i < 2; i++)
        check(sendto(fd, data, 64, 0, (struct sockaddr *)&self, sizeof self) == 64, "sendto");
    if (keep) {
        char buf[128];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n != 64 || memcmp(buf, data, 64) != 0) {
            printf("FAILED udp socket %d: recv returned %ld %s\n", round, (long)n, n < 0 ? errname(errno) : "");
            give_up(fd);
        }
    }
    check(close(fd) == 0, "close udp");
}

int main(int argc, char **argv) {
    int port = server_port = port_arg(argc, argv, 1);
    stream_gen g = {0x7f4a7c15u};
    stream_fill(&g, data, BIG);

    for (int i = 0; i < 40; i++)
        echo_once(port, 200 + (size_t)(i * 37) % 300, NULL, "reconnect", i + 1);
    printf("40 reconnects on one descriptor: every echo intact\n");

    for (int i = 0; i < 10; i++) {
        udp_in_between(i + 1, i % 2);
        echo_once(port, 300 + (size_t)i, NULL, "reconnect after udp", i + 1);
    }
    printf("10 reconnects after a UDP socket on the same descriptor: every datagram and echo intact\n");

    stream_gen sizes = {0x2545f491u};
    for (int i = 0; i < 2; i++) {
        long pieces = echo_once(port, BIG, &sizes, "exchange", i + 1);
        printf("exchange %d: %d bytes in %ld random pieces, echo intact\n", i + 1, BIG, pieces);
    }

    /* Tells the server to stop. */
    int fd = connect_loopback(port);
    same_descriptor(fd, "last connection", 1);
    check(close(fd) == 0, "close");
    return 0;
}
