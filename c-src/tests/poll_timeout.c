/*
 * poll_timeout.c: waiting for time alone: poll() with no descriptors and
 * with an idle socket returns 0 after its timeout (not before, and not much
 * later), poll(.., 0) returns at once, and sleep(), usleep() and
 * nanosleep() sleep at least as long as asked.
 */
#include "common.h"

static void timed(const char *label, long at_least, long at_most, long ms) {
    printf("%s: at least %ld ms: %d, under %ld ms: %d\n", label, at_least, ms >= at_least, at_most, ms < at_most);
}

int main(void) {
    struct timespec start;

    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = poll(NULL, 0, 200);
    printf("poll(NULL, 0, 200) = %d\n", rc);
    timed("  waited", 190, 3000, elapsed_ms(&start));

    int client, server;
    tcp_pair(&client, &server);
    struct pollfd p = {server, POLLIN, 0};
    clock_gettime(CLOCK_MONOTONIC, &start);
    rc = poll(&p, 1, 250);
    printf("poll(idle socket, 250) = %d revents=%s\n", rc, pollbits(p.revents));
    timed("  waited", 240, 3000, elapsed_ms(&start));

    clock_gettime(CLOCK_MONOTONIC, &start);
    rc = poll(&p, 1, 0);
    printf("poll(idle socket, 0) = %d\n", rc);
    timed("  waited", 0, 1000, elapsed_ms(&start));

    clock_gettime(CLOCK_MONOTONIC, &start);
    printf("sleep(1) = %u\n", sleep(1));
    timed("  slept", 990, 4000, elapsed_ms(&start));

    clock_gettime(CLOCK_MONOTONIC, &start);
    printf("usleep(150000) = %d\n", usleep(150000));
    timed("  slept", 145, 3000, elapsed_ms(&start));

    struct timespec req = {0, 120000000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    printf("nanosleep(120 ms) = %d\n", nanosleep(&req, NULL));
    timed("  slept", 115, 3000, elapsed_ms(&start));

    /* Data arriving during a long poll ends it early. */
    write_all(client, "x", 1);
    clock_gettime(CLOCK_MONOTONIC, &start);
    rc = poll(&p, 1, 10000);
    printf("poll(socket with data, 10000) = %d revents=%s\n", rc, pollbits(p.revents));
    timed("  waited", 0, 3000, elapsed_ms(&start));

    close(client);
    close(server);
    return 0;
}
