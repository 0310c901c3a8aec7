/*
 * chat_thread_client.c: chat_client written the textbook's other way, with
 * two threads instead of poll(): one sends the lines typed, the other
 * prints the lines from the server. End of input (Ctrl-D) closes the
 * connection and ends the program from the sending thread.
 *
 * Usage: chat_thread_client HOST PORT
 */
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *send_lines(void *arg) {
    int fd = *(int *)arg;
    char buf[512];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
        if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
            perror("send");
            break;
        }
    }
    /* end of input: leave the chat */
    close(fd);
    exit(0);
}

static void *print_lines(void *arg) {
    int fd = *(int *)arg;
    char buf[512];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
    }
    printf("connection closed by server\n");
    exit(0);
}

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s host port\n", argv[0]);
        return 2;
    }
    struct addrinfo hints, *res, *p;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", argv[1], gai_strerror(rc));
        return 1;
    }
    int fd = -1;
    for (p = res; p != NULL; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        perror("connect");
        return 1;
    }

    pthread_t sender, receiver;
    if (pthread_create(&sender, NULL, send_lines, &fd) != 0 || pthread_create(&receiver, NULL, print_lines, &fd) != 0) {
        fprintf(stderr, "pthread_create() error\n");
        return 1;
    }
    pthread_join(sender, NULL);
    pthread_join(receiver, NULL);
    return 0;
}
