/*
 * wasm_exit_busy.c: a guest that calls exit(3) in the middle of things:
 * 1 MiB just written to a peer that has not read it yet (it sits in the
 * host's send ring and buffers), a connection waiting in the listener's
 * accept queue, and a bound UDP socket. Used by test/host-lifecycle.test.ts:
 * the peer must still get every byte and then EOF, the queued connection
 * must be closed, and every port freed.
 * Usage: wasm_exit_busy PORT PEER
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int peer = port_arg(argc, argv, 2);
    int lfd, ufd;
    listen_tcp_udp(port, &lfd, &ufd);

    int out = connect_loopback(peer);
    static char buf[1 << 20];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    write_all(out, buf, sizeof buf);
    printf("wrote 1 MiB\n");
    fflush(stdout);

    /* Wait (without accepting) until the test's connection is queued. */
    struct pollfd p = {lfd, POLLIN, 0};
    int rc = poll(&p, 1, 10000);
    printf("connection queued: %s\n", rc == 1 ? "yes" : "no");
    fflush(stdout);
    exit(3);
}
