/*
 * epoll_lt_server.c: the textbook's level-triggered epoll echo server.
 * One epoll instance watches the listener and every client; a small read
 * buffer leaves data unread, which level-triggering reports again at the
 * next epoll_wait. Exits once `clients` (argv[2], default 5) have come and
 * gone, and prints how many it served and how many bytes it echoed.
 */
#include "common.h"

#include <sys/epoll.h>

#define BUF_SIZE 4
#define EPOLL_SIZE 50

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
            if (events[i].data.fd == serv_sock) {
                int clnt = accept(serv_sock, NULL, NULL);
                check(clnt >= 0, "accept");
                event.events = EPOLLIN;
                event.data.fd = clnt;
                check(epoll_ctl(epfd, EPOLL_CTL_ADD, clnt, &event) == 0, "epoll_ctl add client");
                served++;
                continue;
            }
            char buf[BUF_SIZE];
            ssize_t len = read(events[i].data.fd, buf, BUF_SIZE);
            check(len >= 0, "read");
            if (len == 0) {
                check(epoll_ctl(epfd, EPOLL_CTL_DEL, events[i].data.fd, NULL) == 0, "epoll_ctl del");
                close(events[i].data.fd);
                gone++;
            } else {
                write_all(events[i].data.fd, buf, (size_t)len);
                echoed += len;
            }
        }
    }
    close(serv_sock);
    close(epfd);
    printf("served %d clients, echoed %ld bytes\n", served, echoed);
    return 0;
}
