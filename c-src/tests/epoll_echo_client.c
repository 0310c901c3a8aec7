/*
 * epoll_echo_client.c: drives the epoll echo servers. Opens `clients`
 * connections (argv[2], default 5) at once, then for `rounds` rounds
 * (argv[3], default 20) sends one message on every connection before
 * reading any echo back, so the server sees several clients ready in one
 * epoll_wait, and checks every echo byte for byte. Message sizes vary from
 * a few bytes to several kilobytes, more than the servers read at a time.
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int clients = argc > 2 ? atoi(argv[2]) : 5;
    int rounds = argc > 3 ? atoi(argv[3]) : 20;
    int fds[64];
    if (clients < 1 || clients > 64)
        return 2;
    for (int c = 0; c < clients; c++)
        fds[c] = connect_loopback(port);
    static char msg[8192], back[8192];
    long total = 0;
    for (int r = 0; r < rounds; r++) {
        size_t lens[64];
        for (int c = 0; c < clients; c++) {
            lens[c] = 1 + (size_t)((r * 977 + c * 131) % 6000);
            for (size_t i = 0; i < lens[c]; i++)
                msg[i] = (char)('a' + (r + c + i) % 26);
            write_all(fds[c], msg, lens[c]);
        }
        for (int c = 0; c < clients; c++) {
            size_t got = read_full(fds[c], back, lens[c]);
            for (size_t i = 0; i < lens[c]; i++)
                msg[i] = (char)('a' + (r + c + i) % 26);
            if (got != lens[c] || memcmp(msg, back, lens[c]) != 0) {
                printf("round %d client %d: echo differs (%zu of %zu bytes)\n", r, c, got, lens[c]);
                return 1;
            }
            total += (long)got;
        }
    }
    for (int c = 0; c < clients; c++)
        close(fds[c]);
    printf("%d clients, %d rounds: %ld bytes echoed intact\n", clients, rounds, total);
    return 0;
}
