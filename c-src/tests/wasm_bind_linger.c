/*
 * wasm_bind_linger.c: SO_LINGER right after bind(), through libsock's bind()
 * and through the raw sock_bind import. On a host that sets linger {on, 0}
 * at bind, as WAMR's iwasm does, the raw bind shows the host's value and
 * libsock's bind() shows the program's own (libsock puts it back). Tested in
 * test/iwasm-linger.test.ts with wasock reproducing iwasm's behaviour.
 */
#include "common.h"
#include "wasock_abi.h"

static void show(const char *what, int fd) {
    struct linger l = {-1, -1};
    socklen_t len = sizeof l;
    check(getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) == 0, "getsockopt");
    printf("%s: linger {%d, %d}\n", what, l.l_onoff, l.l_linger);
}

int main(void) {
    int a = socket(AF_INET, SOCK_STREAM, 0);
    check(a >= 0, "socket");
    struct sockaddr_in sin = loopback4(0);
    check(bind(a, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    show("after bind()", a);

    /* A program's own linger survives libsock's repair. */
    int b = socket(AF_INET, SOCK_STREAM, 0);
    struct linger mine = {1, 9};
    check(setsockopt(b, SOL_SOCKET, SO_LINGER, &mine, sizeof mine) == 0, "setsockopt");
    check(bind(b, (struct sockaddr *)&sin, sizeof sin) == 0, "bind");
    show("after setsockopt {1, 9} and bind()", b);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    wasock_addr raw;
    memset(&raw, 0, sizeof raw);
    raw.kind = WASOCK_ADDR_KIND_IP4;
    raw.u.ip4.octets[0] = 127;
    raw.u.ip4.octets[3] = 1;
    check(__wasock_sock_bind(c, &raw) == 0, "sock_bind");
    show("after the raw sock_bind", c);
    return 0;
}
