/*
 * integrity_client.c: the other end of integrity_server.c: sends BYTES of
 * its stream, half-closes, then reads the server's stream to EOF.
 * Usage: integrity_client PORT [BYTES]
 */
#include "stream_check.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    long long bytes = bytes_arg(argc, argv, 2, 4LL << 20);
    int fd = connect_loopback(port);

    char hex[65];
    send_stream(fd, 0x2545f491u, bytes, hex);
    printf("sent %lld bytes sha256 %s\n", bytes, hex);
    check(shutdown(fd, SHUT_WR) == 0, "shutdown");
    long long got = recv_stream(fd, hex);
    printf("received %lld bytes sha256 %s\n", got, hex);
    check(close(fd) == 0, "close");
    return 0;
}
