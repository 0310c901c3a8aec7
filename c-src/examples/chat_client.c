/*
 * chat_client.c: the client for chat_server. It poll()s standard input and
 * the server's socket together: lines typed are sent, lines from the server
 * are printed. End of input (Ctrl-D) closes the connection.
 *
 * Usage: chat_client HOST PORT
 */
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s host port\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

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

    struct pollfd fds[2];
    fds[0].fd = STDIN_FILENO;
    fds[0].events = POLLIN;
    fds[1].fd = fd;
    fds[1].events = POLLIN;
    char buf[512];

    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            perror("poll");
            return 1;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                printf("connection closed by server\n");
                break;
            }
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
            if (n <= 0)
                break; /* end of input: leave the chat */
            if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
                perror("send");
                break;
            }
        }
    }
    close(fd);
    return 0;
}
