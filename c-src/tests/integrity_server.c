/*
 * integrity_server.c (with integrity_client.c): byte-exact transfer in both
 * directions. The client sends BYTES of a deterministic stream and
 * half-closes; the server reads to EOF, then sends BYTES of another stream
 * and closes. Each side prints the SHA-256 of what it sent and of what it
 * received, so the two ends (and a reference) can be compared.
 * Usage: integrity_server PORT [BYTES]   (default 4M; K, M, G suffixes)
 */
#include "stream_check.h"

int main(int argc, char **argv) {
    int port = port_arg(argc, argv, 1);
    long long bytes = bytes_arg(argc, argv, 2, 4LL << 20);
    int lfd = listen_on(port, 5);
    int fd = accept(lfd, NULL, NULL);
    check(fd >= 0, "accept");
    close(lfd);

    char hex[65];
    long long got = recv_stream(fd, hex);
    printf("received %lld bytes sha256 %s\n", got, hex);
    send_stream(fd, 0x9e3779b9u, bytes, hex);
    printf("sent %lld bytes sha256 %s\n", bytes, hex);
    check(close(fd) == 0, "close");
    return 0;
}
