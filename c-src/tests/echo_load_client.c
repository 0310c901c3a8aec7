/*
 * echo_load_client.c: opens CLIENTS connections to echo_load_server and
 * keeps all of them busy for SECONDS: each sends its own stream of 8-byte
 * records (connection number, sequence number) in writes of changing
 * sizes, at most WINDOW bytes ahead of what has come back, and checks every
 * echoed byte against what it sent: nothing may be lost, duplicated or
 * reordered. Then it waits for the last echoes and closes everything.
 * Usage: echo_load_client PORT [CLIENTS [SECONDS [stats]]]
 */
#include "common.h"

#define MAX_CLIENTS 1000
#define WINDOW 4096

struct conn {
    long long sent, received;
    unsigned rng;
};

/* Byte `offset` of connection `c`'s stream. */
static unsigned char stream_byte(int c, long long offset) {
    unsigned long long record = (unsigned long long)(offset / 8);
    int k = (int)(offset % 8);
    unsigned v = k < 4 ? (unsigned)c : (unsigned)record;
    return (unsigned char)(v >> (8 * (k % 4)));
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int want = argc > 2 ? atoi(argv[2]) : MAX_CLIENTS;
    int seconds = argc > 3 ? atoi(argv[3]) : 10;
    int stats = argc > 4 && strcmp(argv[4], "stats") == 0;
    if (want < 1 || want > MAX_CLIENTS)
        want = MAX_CLIENTS;
    if (seconds < 1)
        seconds = 1;

    static struct pollfd fds[MAX_CLIENTS];
    static struct conn conns[MAX_CLIENTS];
    for (int i = 0; i < want; i++) {
        fds[i].fd = connect_loopback(port);
        fds[i].events = POLLIN | POLLOUT;
        conns[i].rng = 2463534242u ^ (unsigned)i;
    }
    printf("connected %d\n", want);
    fflush(stdout);

    static unsigned char buf[WINDOW];
    int errors = 0, first_error = 0, corrupt = 0, eof = 0;
    double start = now_s(), stop_at = start + seconds;
    int sending = 1;
    for (long rounds = 0; rounds < 100000000L; rounds++) {
        if (sending && now_s() >= stop_at) {
            sending = 0;
            for (int i = 0; i < want; i++)
                fds[i].events = POLLIN;
        }
        int outstanding = 0;
        for (int i = 0; i < want; i++)
            outstanding += conns[i].received < conns[i].sent;
        if (!sending && outstanding == 0)
            break;
        int rc = poll(fds, (nfds_t)want, 20000);
        if (rc < 0) {
            errors++;
            first_error = first_error ? first_error : errno;
            break;
        }
        if (rc == 0) {
            printf("no progress for 20 s (%d connections waiting for echoes)\n", outstanding);
            break;
        }
        for (int i = 0; i < want; i++) {
            struct conn *c = &conns[i];
            short re = fds[i].revents;
            if (re & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = read(fds[i].fd, buf, sizeof buf);
                if (n < 0) {
                    errors++;
                    first_error = first_error ? first_error : errno;
                    fds[i].events = 0;
                } else if (n == 0) {
                    eof++;
                    fds[i].events = 0;
                } else {
                    for (ssize_t j = 0; j < n; j++) {
                        if (buf[j] != stream_byte(i, c->received + j)) {
                            if (corrupt++ == 0)
                                printf("connection %d: byte %lld differs\n", i, c->received + j);
                            break;
                        }
                    }
                    c->received += n;
                    if (c->received > c->sent && corrupt++ == 0)
                        printf("connection %d: more came back than was sent\n", i);
                }
            }
            if (sending && (re & POLLOUT) && c->sent - c->received < WINDOW) {
                /* 8 .. WINDOW - in flight bytes, a multiple of neither. */
                c->rng ^= c->rng << 13;
                c->rng ^= c->rng >> 17;
                c->rng ^= c->rng << 5;
                size_t room = (size_t)(WINDOW - (c->sent - c->received));
                size_t n = 1 + c->rng % room;
                for (size_t j = 0; j < n; j++)
                    buf[j] = stream_byte(i, c->sent + (long long)j);
                ssize_t w = write(fds[i].fd, buf, n);
                if (w <= 0) {
                    errors++;
                    first_error = first_error ? first_error : errno;
                    fds[i].events = 0;
                } else {
                    c->sent += w;
                }
            }
        }
        if (errors || corrupt || eof)
            break;
    }
    double elapsed = now_s() - start;
    long long total = 0;
    int intact = 0;
    for (int i = 0; i < want; i++) {
        total += conns[i].received;
        intact += conns[i].received == conns[i].sent && conns[i].sent > 0;
        close(fds[i].fd);
    }
    printf("streams intact %d of %d\n", corrupt ? 0 : intact, want);
    printf("errors %d%s%s, early EOF %d, corrupt %d\n", errors, errors ? ", first " : "", errors ? errname(first_error) : "", eof, corrupt);
    if (stats)
        printf("echoed %lld bytes in %.1f s (%.1f MB/s)\n", total, elapsed, total / elapsed / 1e6);
    return intact == want && !errors && !corrupt && !eof ? 0 : 1;
}
