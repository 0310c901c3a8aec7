/*
 * nonblock_connect.c: connect() on a non-blocking socket answers
 * EINPROGRESS; completion shows as writable, and getsockopt(SO_ERROR) then
 * tells the outcome: 0 for a listening port, ECONNREFUSED for a closed one.
 */
#include "common.h"

static void attempt(const char *label, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket");
    int flags = fcntl(fd, F_GETFL, 0);
    check(flags >= 0, "fcntl F_GETFL");
    check(fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0, "fcntl F_SETFL");
    printf("%s: O_NONBLOCK set: %d\n", label, (fcntl(fd, F_GETFL, 0) & O_NONBLOCK) != 0);

    struct sockaddr_in sin = loopback4(port);
    int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
    printf("%s: connect: %d %s\n", label, rc, rc < 0 ? errname(errno) : "");

    struct pollfd p;
    p.fd = fd;
    p.events = POLLOUT;
    rc = poll(&p, 1, 5000);
    printf("%s: poll for writable: %d %s\n", label, rc, (p.revents & POLLOUT) ? "writable" : "not writable");

    int err = -1;
    socklen_t len = sizeof err;
    rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("%s: SO_ERROR: rc=%d len=%d error=%s\n", label, rc, (int)len, errname(err));
    int again = -1;
    len = sizeof again;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &again, &len);
    printf("%s: SO_ERROR again (cleared): %s\n", label, errname(again));

    if (err == 0) {
        ssize_t n = send(fd, "x", 1, 0);
        report("send on the connected socket", n);
    }
    close(fd);
}

int main(void) {
    int port;
    int lfd = listen_loopback(&port);
    attempt("listening port", port);

    /* A second connect while the first is still in progress, then done. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check(fd >= 0, "socket");
    struct sockaddr_in sin = loopback4(port);
    int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
    printf("SOCK_NONBLOCK socket: connect: %d %s\n", rc, rc < 0 ? errname(errno) : "");
    struct pollfd p;
    p.fd = fd;
    p.events = POLLOUT;
    poll(&p, 1, 5000);
    rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
    printf("connect again after completion: %d %s\n", rc, rc < 0 ? errname(errno) : "");
    close(fd);
    close(lfd);

    attempt("closed port", closed_port());
    return 0;
}
