/* many_client HOST PORT CONNS ROUNDS: holds CONNS connections to an echo
 * server; each round writes a 64-byte message on every connection, then
 * reads every echo back. One untimed warm-up round proves the server has
 * accepted them all; then it prints READY and waits for a line on stdin
 * (the runner samples the server's RSS meanwhile), runs ROUNDS timed
 * rounds and prints messages per second. */
#include "bench.h"

#define MSG 64

static void round_trip(const int *fds, long conns) {
    char msg[MSG], back[MSG];
    memset(msg, 'm', sizeof msg);
    for (long i = 0; i < conns; i++) write_all(fds[i], msg, MSG);
    for (long i = 0; i < conns; i++) read_all(fds[i], back, MSG);
}

int main(int argc, char **argv) {
    const char *usage = "many_client HOST PORT CONNS ROUNDS";
    if (argc != 5) { fprintf(stderr, "usage: %s\n", usage); return 2; }
    int port = (int)arg_long(argv[2], usage);
    long conns = arg_long(argv[3], usage);
    long rounds = arg_long(argv[4], usage);
    int *fds = calloc((size_t)conns, sizeof *fds);
    if (!fds) die("calloc");
    for (long i = 0; i < conns; i++) fds[i] = tcp_connect(argv[1], port);
    round_trip(fds, conns);
    ready();
    char line[16];
    if (!fgets(line, sizeof line, stdin)) { fprintf(stderr, "stdin closed before go\n"); return 1; }
    double start = now_s();
    for (long r = 0; r < rounds; r++) round_trip(fds, conns);
    double secs = now_s() - start;
    for (long i = 0; i < conns; i++) close(fds[i]);
    free(fds);
    result((double)(conns * rounds) / secs, "msg/s");
    return 0;
}
