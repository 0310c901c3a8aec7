/*
 * thread_echo_client.c (with thread_echo_server.c): CLIENTS threads, each
 * with its own connection. All connect first and wait for one another, so
 * the server holds every connection at once; then each sends ROUNDS
 * numbered lines and checks every echo, and all close together.
 * Usage: thread_echo_client PORT [CLIENTS [ROUNDS]]
 */
#include <pthread.h>

#include "common.h"

static int port, clients, rounds;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int connected, done, good;

/* Waits until `*count` reaches `clients` (a barrier from a mutex and a condition). */
static void arrive(int *count) {
    pthread_mutex_lock(&lock);
    if (++*count == clients) pthread_cond_broadcast(&changed);
    while (*count < clients) pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
}

static void *client(void *arg) {
    int me = (int)(long)arg;
    int fd = connect_loopback(port);
    arrive(&connected);
    int ok = fd >= 0;
    char line[64], back[64];
    for (int r = 0; ok && r < rounds; r++) {
        int n = snprintf(line, sizeof line, "client %d line %d\n", me, r);
        write_all(fd, line, (size_t)n);
        ok = read_full(fd, back, (size_t)n) == (size_t)n && memcmp(line, back, (size_t)n) == 0;
    }
    arrive(&done);
    close(fd);
    pthread_mutex_lock(&lock);
    good += ok;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv) {
    port = port_arg(argc, argv, 1);
    clients = argc > 2 ? atoi(argv[2]) : 50;
    rounds = argc > 3 ? atoi(argv[3]) : 20;
    pthread_t t[1000];
    if (clients < 1 || clients > 1000) return 2;
    for (long i = 0; i < clients; i++) {
        if (pthread_create(&t[i], NULL, client, (void *)i) != 0) {
            puts("pthread_create() error");
            return 1;
        }
    }
    for (int i = 0; i < clients; i++) pthread_join(t[i], NULL);
    printf("%d clients connected at once; %d of them got all %d echoes back\n", connected, good, rounds);
    return good == clients ? 0 : 1;
}
