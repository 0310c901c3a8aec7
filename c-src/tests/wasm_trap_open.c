/*
 * wasm_trap_open.c: a guest that traps (__builtin_trap) with sockets open:
 * a listener on 127.0.0.1:PORT, a UDP socket bound to the same port, an
 * accepted connection it has just written to, and a connection of its own
 * to 127.0.0.1:PEER. The host must close all of them as a kernel does for
 * a crashed process. Used by test/host-lifecycle.test.ts.
 * Usage: wasm_trap_open PORT PEER
 */
#include "common.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    int peer = port_arg(argc, argv, 2);
    int lfd, ufd;
    listen_tcp_udp(port, &lfd, &ufd);
    int out = connect_loopback(peer);
    write_all(out, "guest here\n", 11);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    write_all(fd, "last words\n", 11);
    __builtin_trap();
}
