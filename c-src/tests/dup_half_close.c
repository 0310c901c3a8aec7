/*
 * dup_half_close.c: the textbook's half-close through a dup'd descriptor
 * (its sep_serv2: one FILE* for reading, one over dup(fileno(...)) for
 * writing, shutdown(SHUT_WR) on the writer's descriptor). Two descriptors,
 * one socket: closing one keeps the connection, shutdown acts on the socket,
 * the last close ends it. Also dup2/dup3/fcntl(F_DUPFD) on a socket, stdout
 * and a file (the dup shares its offset), and their errors.
 * Usage: dup_half_close FILE (a file holding at least 6 bytes).
 */
#define _GNU_SOURCE /* dup3 */
#include "common.h"

static int peer_readable(int fd, int ms) {
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms);
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    setvbuf(stdout, NULL, _IONBF, 0);
    int lfd = socket(PF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 5) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
        perror("listen");
        return 1;
    }
    int c = socket(PF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        return 1;
    }
    int s = accept(lfd, NULL, NULL);

    /* The textbook's two FILE*s over one socket. */
    FILE *readfp = fdopen(s, "r");
    int w = dup(fileno(readfp));
    FILE *writefp = fdopen(w, "w");
    printf("dup gave a new number: %d\n", w != s && w >= 0);
    fputs("FROM SERVER: Hi~ client?\n", writefp);
    fputs("I love all of the world\n", writefp);
    fflush(writefp);
    shutdown(fileno(writefp), SHUT_WR);
    fclose(writefp);

    char buf[256];
    ssize_t n, total = 0;
    while ((n = read(c, buf + total, sizeof buf - 1 - (size_t)total)) > 0)
        total += n;
    buf[total] = '\0';
    printf("client read %zd bytes then EOF:\n%s", total, buf);
    write(c, "Thank you\n", 10);
    close(c);
    if (fgets(buf, sizeof buf, readfp) != NULL)
        printf("server read after its half-close: %s", buf);
    fclose(readfp);

    /* Closing one of two numbers keeps the socket; the last close ends it. */
    c = socket(PF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    s = accept(lfd, NULL, NULL);
    int d = fcntl(s, F_DUPFD, 20);
    printf("fcntl(F_DUPFD, 20) = %d\n", d);
    int d2 = fcntl(s, F_DUPFD_CLOEXEC, 0);
    printf("fcntl(F_DUPFD_CLOEXEC, 0) > s: %d\n", d2 > s);
    close(s);
    close(d2);
    printf("after closing two of three: peer readable %d\n", peer_readable(c, 100));
    printf("write through the third: %zd\n", write(d, "x", 1));
    printf("peer reads %zd\n", read(c, buf, sizeof buf));
    fcntl(d, F_SETFL, fcntl(d, F_GETFL) | O_NONBLOCK);
    int e = dup(d);
    printf("O_NONBLOCK is shared: %d\n", (fcntl(e, F_GETFL) & O_NONBLOCK) != 0);
    errno = 0;
    n = read(e, buf, sizeof buf);
    printf("read on the dup: %zd %s\n", n, errname(errno));
    close(d);
    close(e);
    n = read(c, buf, sizeof buf);
    printf("after the last close the peer reads %zd\n", n);
    close(c);

    /* dup2 onto a number in use closes what it held. */
    int out = dup(1);
    int r = dup2(out, 30);
    printf("dup2(out, 30) = %d\n", r);
    write(30, "written to fd 30\n", 17);
    int u = socket(PF_INET, SOCK_DGRAM, 0);
    r = dup2(u, 30);
    printf("dup2(udp, 30) = %d, now a datagram socket: ", r);
    int type = 0;
    socklen_t tlen = sizeof type;
    getsockopt(30, SOL_SOCKET, SO_TYPE, &type, &tlen);
    printf("%d\n", type == SOCK_DGRAM);
    close(u);
    printf("fd 30 still open after closing the original: %d\n", fcntl(30, F_GETFD) == 0);
    close(30);
    printf("dup2(out, out) = same: %d\n", dup2(out, out) == out);
    close(out);

    /* Errors. */
    errno = 0;
    r = dup(-1);
    printf("dup(-1) = %d %s\n", r, errname(errno));
    errno = 0;
    r = dup(200);
    printf("dup(200) = %d %s\n", r, errname(errno));
    errno = 0;
    r = dup2(200, 5);
    printf("dup2(200, 5) = %d %s\n", r, errname(errno));
    errno = 0;
    r = dup2(1, -1);
    printf("dup2(1, -1) = %d %s\n", r, errname(errno));
    errno = 0;
    r = dup3(1, 1, 0);
    printf("dup3(1, 1, 0) = %d %s\n", r, errname(errno));
    errno = 0;
    r = fcntl(1, F_DUPFD, -1);
    printf("fcntl(1, F_DUPFD, -1) = %d %s\n", r, errname(errno));

    /* A file: the dup shares the offset. */
    int f = open(argv[1], O_RDONLY);
    int g = dup(f);
    char x[4] = {0}, y[4] = {0};
    read(f, x, 3);
    read(g, y, 3);
    printf("file through both: \"%s\" then \"%s\"\n", x, y);
    close(f);
    printf("lseek on the dup: %ld\n", (long)lseek(g, 0, SEEK_CUR));
    close(g);
    close(lfd);
    return 0;
}
