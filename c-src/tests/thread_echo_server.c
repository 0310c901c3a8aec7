/*
 * thread_echo_server.c (with thread_echo_client.c): the textbook's
 * thread-per-client echo server. main accepts, and each connection gets a
 * detached thread that echoes until the client closes; a mutex guards the
 * shared counts. It exits once CLIENTS clients have come and gone.
 * Usage: thread_echo_server PORT [CLIENTS]
 */
#include <pthread.h>

#include "common.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_gone = PTHREAD_COND_INITIALIZER;
static int active, most, finished, errors;
static long long echoed;

static void *handle_client(void *arg) {
    int fd = *(int *)arg;
    free(arg);
    char buf[1024];
    long long mine = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (write(fd, buf, (size_t)n) != n) break;
        mine += n;
    }
    close(fd);
    pthread_mutex_lock(&lock);
    if (n < 0) errors++;
    echoed += mine;
    active--;
    finished++;
    pthread_cond_signal(&all_gone);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int want = argc > 2 ? atoi(argv[2]) : 50;
    int lfd = listen_on(port, SOMAXCONN);
    for (int i = 0; i < want; i++) {
        struct sockaddr_in addr;
        socklen_t len = sizeof addr;
        int fd = accept(lfd, (struct sockaddr *)&addr, &len);
        if (fd < 0) {
            printf("accept: %s\n", errname(errno));
            return 1;
        }
        pthread_mutex_lock(&lock);
        if (++active > most) most = active;
        pthread_mutex_unlock(&lock);
        int *arg = malloc(sizeof *arg);
        *arg = fd;
        pthread_t t;
        if (pthread_create(&t, NULL, handle_client, arg) != 0) {
            puts("pthread_create() error");
            return 1;
        }
        pthread_detach(t);
    }
    close(lfd);
    pthread_mutex_lock(&lock);
    while (finished < want) pthread_cond_wait(&all_gone, &lock);
    pthread_mutex_unlock(&lock);
    printf("served %d clients, %d at once, %lld bytes echoed, %d errors\n", finished, most, echoed, errors);
    return 0;
}
