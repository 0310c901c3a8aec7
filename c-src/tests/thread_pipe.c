/*
 * A pipe between two threads: the writer sends more than the pipe holds,
 * so it waits for the reader; the reader waits on an empty pipe for the
 * writer; the writer's close is the reader's end of file. A condition
 * variable hands numbered jobs from a producer to two consumers meanwhile.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TOTAL (300 * 1024)

static int fds[2];

static void *writer(void *arg) {
    (void)arg;
    char buf[1000];
    long sent = 0;
    while (sent < TOTAL) {
        int n = TOTAL - sent < (long)sizeof buf ? (int)(TOTAL - sent) : (int)sizeof buf;
        for (int i = 0; i < n; i++) buf[i] = (char)((sent + i) % 251);
        int w = write(fds[1], buf, n);
        if (w <= 0) break;
        sent += w;
    }
    close(fds[1]);
    return (void *)sent;
}

static void *reader(void *arg) {
    (void)arg;
    char buf[777];
    long got = 0, bad = 0;
    int n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        for (int i = 0; i < n; i++) bad += buf[i] != (char)((got + i) % 251);
        got += n;
    }
    printf("reader: %ld bytes, %ld wrong, then %s\n", got, bad, n == 0 ? "end of file" : "an error");
    return (void *)got;
}

#define JOBS 1000
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t nonfull = PTHREAD_COND_INITIALIZER;
static int queue[4], count, head, produced_all;
static long consumed_sum[2];
static int consumed[2];

static void *producer(void *arg) {
    (void)arg;
    for (int job = 1; job <= JOBS; job++) {
        pthread_mutex_lock(&lock);
        while (count == 4) pthread_cond_wait(&nonfull, &lock);
        queue[(head + count++) % 4] = job;
        pthread_cond_signal(&nonempty);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    produced_all = 1;
    pthread_cond_broadcast(&nonempty);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *consumer(void *arg) {
    int me = (int)(long)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (count == 0 && !produced_all) pthread_cond_wait(&nonempty, &lock);
        if (count == 0) {
            pthread_mutex_unlock(&lock);
            return NULL;
        }
        int job = queue[head];
        head = (head + 1) % 4;
        count--;
        pthread_cond_signal(&nonfull);
        pthread_mutex_unlock(&lock);
        consumed_sum[me] += job;
        consumed[me]++;
        if (job % 100 == 0) usleep(500);
    }
}

int main(void) {
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    pthread_t r, w;
    void *got, *sent;
    pthread_create(&r, NULL, reader, NULL);
    pthread_create(&w, NULL, writer, NULL);
    pthread_join(w, &sent);
    pthread_join(r, &got);
    printf("writer: %ld bytes; reader returned %ld\n", (long)sent, (long)got);
    close(fds[0]);

    pthread_t p, c[2];
    pthread_create(&c[0], NULL, consumer, (void *)0L);
    pthread_create(&c[1], NULL, consumer, (void *)1L);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c[0], NULL);
    pthread_join(c[1], NULL);
    printf("condition variables: %d jobs consumed, sum %ld (expected %d)\n", consumed[0] + consumed[1], consumed_sum[0] + consumed_sum[1],
           JOBS * (JOBS + 1) / 2);
    return 0;
}
