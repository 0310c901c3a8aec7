/*
 * epoll_et_server.c: the textbook's edge-triggered epoll echo server.
 * Clients are registered EPOLLIN|EPOLLET and made non-blocking; each report
 * is drained with reads until EAGAIN, since the same data is not reported
 * twice. Exits once `clients` (argv[2], default 5) have come and gone, and
 * prints how many it served and how many bytes it echoed.
 */
#include "common.h"

#include <sys/epoll.h>

#define BUF_SIZE 4
#define EPOLL_SIZE 50

static void set_nonblocking(int fd) {
    int flag = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flag | O_NONBLOCK);
}

/* A non-blocking socket's write of a few bytes: waits for room if it must. */
static void send_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {fd, POLLOUT, 0};
            poll(&p, 1, -1);
            continue;
        }
        check(n > 0, "write");
        buf += n;
        len -= (size_t)n;
    }
}

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int expected = argc > 2 ? atoi(argv[2]) : 5;
    int serv_sock = listen_on(port, 16);
    int epfd = epoll_create(EPOLL_SIZE);
    check(epfd >= 0, "epoll_create");
    struct epoll_event event, events[EPOLL_SIZE];
    event.events = EPOLLIN;
    event.data.fd = serv_sock;
    check(epoll_ctl(epfd, EPOLL_CTL_ADD, serv_sock, &event) == 0, "epoll_ctl");

    int served = 0, gone = 0;
    long echoed = 0;
    while (gone < expected) {
        int n = epoll_wait(epfd, events, EPOLL_SIZE, -1);
        check(n > 0, "epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == serv_sock) {
                int clnt = accept(serv_sock, NULL, NULL);
                check(clnt >= 0, "accept");
                set_nonblocking(clnt);
                event.events = EPOLLIN | EPOLLET;
                event.data.fd = clnt;
                check(epoll_ctl(epfd, EPOLL_CTL_ADD, clnt, &event) == 0, "epoll_ctl add client");
                served++;
                continue;
            }
            for (;;) {
                char buf[BUF_SIZE];
                ssize_t len = read(fd, buf, BUF_SIZE);
                if (len < 0) {
                    check(errno == EAGAIN, "read");
                    break; /* drained: the next report comes with new data */
                }
                if (len == 0) {
                    check(epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) == 0, "epoll_ctl del");
                    close(fd);
                    gone++;
                    break;
                }
                send_all(fd, buf, (size_t)len);
                echoed += len;
            }
        }
    }
    close(serv_sock);
    close(epfd);
    printf("served %d clients, echoed %ld bytes\n", served, echoed);
    return 0;
}
