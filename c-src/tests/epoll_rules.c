/*
 * epoll_rules.c: epoll's rules in one process, as Linux keeps them.
 * epoll_create/ctl/wait errnos; level-triggered reports while data is
 * unread, edge-triggered only when new data arrives; EPOLLONESHOT until
 * EPOLL_CTL_MOD; EPOLLRDHUP and EPOLLHUP after half and full close; a
 * listener's pending connection; pipes (data, hang-up, no reader); stdin at
 * EOF; a dup'ed descriptor keeping a registration that closing the last one
 * removes; maxevents and the order level-triggered reports take turns in;
 * an epoll instance watched by another. argv[1] is a regular file (EPERM).
 */
#include "common.h"

#include <signal.h>
#include <sys/epoll.h>

static const char *bits(uint32_t ev) {
    static char texts[4][128];
    static int next;
    char *text = texts[next++ % 4];
    text[0] = '\0';
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{EPOLLIN, "IN"},         {EPOLLPRI, "PRI"},       {EPOLLOUT, "OUT"},
                 {EPOLLERR, "ERR"},       {EPOLLHUP, "HUP"},       {EPOLLRDNORM, "RDNORM"},
                 {EPOLLWRNORM, "WRNORM"}, {EPOLLRDHUP, "RDHUP"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ev & names[i].bit) {
            strcat(text, "|");
            strcat(text, names[i].name);
        }
    return text[0] ? text + 1 : "0";
}

/* One wait: "what: n [data:bits ...]". */
static void wait_show(const char *what, int ep, int maxevents, int timeout) {
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, maxevents, timeout);
    if (n < 0) {
        printf("%s: -1 %s\n", what, errname(errno));
        return;
    }
    printf("%s: %d", what, n);
    for (int i = 0; i < n; i++)
        printf(" %llu:%s", (unsigned long long)evs[i].data.u64, bits(evs[i].events));
    printf("\n");
}

static int add(int ep, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(ep, op, fd, &ev);
}

static void errnos(const char *path) {
    printf("-- errnos\n");
    report("epoll_create(0)", epoll_create(0));
    report("epoll_create(-1)", epoll_create(-1));
    report("epoll_create1(1)", epoll_create1(1));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    check(ep >= 0, "epoll_create1(EPOLL_CLOEXEC)");
    int a, b;
    tcp_pair(&a, &b);
    report("ADD a closed fd", add(ep, 999, EPOLLIN, 0));
    report("ADD on a closed epfd", add(998, a, EPOLLIN, 0));
    report("ADD epfd to itself", add(ep, ep, EPOLLIN, 0));
    report("ADD with a socket as epfd", add(a, b, EPOLLIN, 0));
    report("ADD with no event", epoll_ctl(ep, EPOLL_CTL_ADD, a, NULL));
    report("ADD", add(ep, a, EPOLLIN, 1));
    report("ADD again", add(ep, a, EPOLLIN, 1));
    report("MOD unregistered", ctl(ep, EPOLL_CTL_MOD, b, EPOLLIN, 2));
    report("DEL unregistered", ctl(ep, EPOLL_CTL_DEL, b, 0, 0));
    report("op 99", ctl(ep, 99, a, EPOLLIN, 1));
    report("EXCLUSIVE with MOD", ctl(ep, EPOLL_CTL_MOD, a, EPOLLIN | EPOLLEXCLUSIVE, 1));
    report("DEL with no event", epoll_ctl(ep, EPOLL_CTL_DEL, a, NULL));
    report("DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, a, NULL));
    int file = open(path, O_RDONLY);
    check(file >= 0, "open");
    report("ADD a regular file", add(ep, file, EPOLLIN, 3));
    close(file);
    struct epoll_event evs[2];
    report("wait maxevents 0", epoll_wait(ep, evs, 0, 0));
    volatile int minus_one = -1;
    report("wait maxevents -1", epoll_wait(ep, evs, minus_one, 0));
    report("wait on a socket", epoll_wait(a, evs, 2, 0));
    report("wait on a closed fd", epoll_wait(997, evs, 2, 0));
    report("wait, nothing registered", epoll_wait(ep, evs, 2, 0));
    char c;
    errno = 0;
    report("read on the epfd", read(ep, &c, 1));
    close(a);
    close(b);
    close(ep);
}

static void level_and_edge(void) {
    printf("-- level and edge on a socket\n");
    int client, server;
    tcp_pair(&client, &server);
    fcntl(server, F_SETFL, O_NONBLOCK);
    int lt = epoll_create(1), et = epoll_create(1);
    check(add(lt, server, EPOLLIN, 10) == 0, "add lt");
    wait_show("lt, nothing sent", lt, 8, 0);
    write_all(client, "abc", 3);
    wait_show("lt, 3 bytes arrive", lt, 8, 2000);
    wait_show("lt, still unread", lt, 8, 0);
    /* Added with data already there: edge-triggered reports it once. */
    check(add(et, server, EPOLLIN | EPOLLET, 20) == 0, "add et");
    wait_show("et, added with data waiting", et, 8, 0);
    wait_show("et, same data again", et, 8, 0);
    char buf[64];
    printf("read 1: %zd\n", read(server, buf, 1));
    wait_show("lt, 2 bytes left", lt, 8, 0);
    wait_show("et, 2 bytes left", et, 8, 0);
    write_all(client, "de", 2);
    wait_show("et, new data", et, 8, 2000);
    wait_show("et, nothing newer", et, 8, 0);
    ssize_t n = read(server, buf, sizeof buf);
    printf("read all: %zd \"%.*s\"\n", n, (int)n, buf);
    errno = 0;
    n = read(server, buf, sizeof buf);
    printf("read again: %zd %s\n", n, errname(errno));
    wait_show("lt, drained", lt, 8, 0);
    wait_show("et, drained", et, 8, 100);

    printf("-- oneshot\n");
    int one = epoll_create(1);
    check(add(one, server, EPOLLIN | EPOLLONESHOT, 30) == 0, "add oneshot");
    wait_show("oneshot, nothing yet", one, 8, 0);
    write_all(client, "f", 1);
    wait_show("oneshot, data", one, 8, 2000);
    wait_show("oneshot, spent", one, 8, 0);
    write_all(client, "g", 1);
    wait_show("oneshot, spent, more data", one, 8, 100);
    report("ADD while spent", add(one, server, EPOLLIN, 31));
    report("MOD re-arms", ctl(one, EPOLL_CTL_MOD, server, EPOLLIN | EPOLLONESHOT, 32));
    wait_show("oneshot, re-armed", one, 8, 0);
    wait_show("oneshot, spent again", one, 8, 0);
    read(server, buf, sizeof buf);

    printf("-- out, rdhup, hup\n");
    int out = epoll_create(1);
    check(add(out, client, EPOLLOUT | EPOLLET, 40) == 0, "add out");
    wait_show("et out, fresh connection", out, 8, 0);
    wait_show("et out, no news", out, 8, 0);
    check(ctl(et, EPOLL_CTL_MOD, server, EPOLLIN | EPOLLRDHUP | EPOLLET, 21) == 0, "mod et");
    wait_show("et in|rdhup, drained", et, 8, 0);
    shutdown(client, SHUT_WR);
    wait_show("et in|rdhup, peer's FIN", et, 8, 2000);
    wait_show("et in|rdhup, no news", et, 8, 0);
    wait_show("lt in, peer's FIN", lt, 8, 0);
    printf("read at EOF: %zd\n", read(server, buf, sizeof buf));
    check(ctl(lt, EPOLL_CTL_MOD, server, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 11) == 0, "mod lt");
    wait_show("lt in|out|rdhup, half closed", lt, 8, 0);
    shutdown(server, SHUT_WR);
    wait_show("lt in|out|rdhup, both shut", lt, 8, 0);
    wait_show("et in|rdhup, both shut", et, 8, 0);
    close(one);
    close(out);
    close(lt);
    close(et);
    close(client);
    close(server);
}

static void listener(void) {
    printf("-- listener\n");
    int port;
    int lfd = listen_loopback(&port);
    int lt = epoll_create(1), et = epoll_create(1);
    check(add(lt, lfd, EPOLLIN, 50) == 0, "add lt");
    check(add(et, lfd, EPOLLIN | EPOLLET, 60) == 0, "add et");
    wait_show("lt, no connection", lt, 8, 0);
    wait_show("et, no connection", et, 8, 0);
    int c1 = connect_loopback(port);
    wait_show("lt, one pending", lt, 8, 2000);
    wait_show("et, one pending", et, 8, 2000);
    wait_show("et, still one pending", et, 8, 0);
    int c2 = connect_loopback(port);
    wait_show("et, a second one", et, 8, 2000);
    int s1 = accept(lfd, NULL, NULL), s2 = accept(lfd, NULL, NULL);
    check(s1 >= 0 && s2 >= 0, "accept");
    wait_show("lt, all accepted", lt, 8, 0);
    close(s1);
    close(s2);
    close(c1);
    close(c2);
    close(lfd);
    close(lt);
    close(et);
}

static void pipes(void) {
    printf("-- pipe\n");
    int p[2];
    check(pipe(p) == 0, "pipe");
    int lt = epoll_create(1), et = epoll_create(1);
    check(add(lt, p[0], EPOLLIN, 70) == 0 && add(lt, p[1], EPOLLOUT, 71) == 0, "add lt");
    check(add(et, p[0], EPOLLIN | EPOLLET, 80) == 0 && add(et, p[1], EPOLLOUT | EPOLLET, 81) == 0, "add et");
    wait_show("lt, empty", lt, 8, 0);
    wait_show("et, empty", et, 8, 0);
    wait_show("et, empty again", et, 8, 0);
    write(p[1], "x", 1);
    wait_show("lt, one byte", lt, 8, 0);
    wait_show("et, one byte", et, 8, 0);
    wait_show("et, no news", et, 8, 0);
    write(p[1], "y", 1);
    wait_show("et, another byte", et, 8, 0);
    char buf[8];
    printf("read: %zd\n", read(p[0], buf, sizeof buf));
    wait_show("et, drained", et, 8, 0);
    close(p[1]);
    wait_show("lt, no writer", lt, 8, 0);
    wait_show("et, no writer", et, 8, 0);
    wait_show("et, no writer, no news", et, 8, 0);
    close(p[0]);
    wait_show("lt, both closed", lt, 8, 0);

    check(pipe(p) == 0, "pipe");
    check(add(lt, p[1], EPOLLOUT, 72) == 0, "add write end");
    close(p[0]);
    wait_show("lt, write end without reader", lt, 8, 0);
    close(p[1]);
    close(lt);
    close(et);
}

static void dup_and_close(void) {
    printf("-- dup and close\n");
    int p[2];
    check(pipe(p) == 0, "pipe");
    int ep = epoll_create(1);
    check(add(ep, p[0], EPOLLIN, 90) == 0, "add");
    int d = dup(p[0]);
    write(p[1], "z", 1);
    close(p[0]);
    wait_show("original closed, dup open", ep, 8, 0);
    report("DEL by the dup's number", ctl(ep, EPOLL_CTL_DEL, d, 0, 0));
    report("ADD the dup", add(ep, d, EPOLLIN, 91));
    wait_show("both registrations", ep, 8, 0);
    close(d);
    wait_show("last descriptor closed", ep, 8, 0);
    int q[2];
    check(pipe(q) == 0, "pipe");
    report("ADD a new pipe on the old number", add(ep, q[0], EPOLLIN, 92));
    wait_show("new pipe, empty", ep, 8, 0);
    close(q[0]);
    close(q[1]);
    close(p[1]);
    close(ep);
}

static void order_and_nesting(void) {
    printf("-- maxevents and nesting\n");
    int p[3][2];
    int ep = epoll_create(1);
    for (int i = 0; i < 3; i++) {
        check(pipe(p[i]) == 0, "pipe");
        write(p[i][1], "w", 1);
        check(add(ep, p[i][0], EPOLLIN, 100 + i) == 0, "add");
    }
    wait_show("maxevents 2", ep, 2, 0);
    wait_show("maxevents 2 again", ep, 2, 0);
    wait_show("maxevents 8", ep, 8, 0);
    int outer = epoll_create(1);
    report("ADD an epoll to another", add(outer, ep, EPOLLIN, 200));
    report("ADD the other back (loop)", add(ep, outer, EPOLLIN, 201));
    wait_show("outer, inner has events", outer, 8, 0);
    struct pollfd pfd = {ep, POLLIN, 0};
    int n = poll(&pfd, 1, 0);
    printf("poll on the epfd: %d %s\n", n, pollbits(pfd.revents));
    char buf[4];
    for (int i = 0; i < 3; i++)
        read(p[i][0], buf, sizeof buf);
    wait_show("outer, inner drained", outer, 8, 0);
    for (int i = 0; i < 3; i++) {
        close(p[i][0]);
        close(p[i][1]);
    }
    close(outer);
    close(ep);
}

/* Natively stdin at EOF reads as EPOLLHUP alone when it is a pipe and with
 * EPOLLIN when it is a socket pair (Node's child_process gives one), so only
 * the hang-up is printed. */
static void stdin_eof(void) {
    printf("-- stdin at EOF\n");
    int ep = epoll_create(1);
    report("ADD stdin", add(ep, 0, EPOLLIN, 300));
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, 2000);
    printf("stdin: %d %s\n", n, n == 1 && (ev.events & EPOLLHUP) ? "hang-up" : "no hang-up");
    close(ep);
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fprintf(stderr, "usage: %s regular-file\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    errnos(argv[1]);
    level_and_edge();
    listener();
    pipes();
    dup_and_close();
    order_and_nesting();
    stdin_eof();
    return 0;
}
