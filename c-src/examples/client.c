/*
 * client.c: a TCP client in the classic tutorial shape.
 *
 *   socket -> connect -> read until EOF -> print -> close
 *
 * Usage: client [ip] [port]   (defaults 127.0.0.1 8080)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_IP "127.0.0.1"
#define DEFAULT_PORT 8080
#define BUFFER_SIZE 4096

int main(int argc, char *argv[]) {
    const char *ip = argc > 1 ? argv[1] : DEFAULT_IP;
    int port = argc > 2 ? atoi(argv[2]) : DEFAULT_PORT;
    int sock;
    struct sockaddr_in server_addr;
    char buffer[BUFFER_SIZE];
    size_t total = 0;
    ssize_t n = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);

    if (port <= 0 || port > 65535) {
        fprintf(stderr, "usage: %s [ip] [port]\n", argv[0]);
        exit(EXIT_FAILURE);
    }

    sock = socket(AF_INET, SOCK_STREAM, 0);
    if (sock < 0) {
        perror("socket");
        exit(EXIT_FAILURE);
    }

    memset(&server_addr, 0, sizeof(server_addr));
    server_addr.sin_family = AF_INET;
    server_addr.sin_port = htons(port);
    server_addr.sin_addr.s_addr = inet_addr(ip);
    if (server_addr.sin_addr.s_addr == INADDR_NONE) {
        fprintf(stderr, "invalid address: %s\n", ip);
        exit(EXIT_FAILURE);
    }

    if (connect(sock, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0) {
        perror("connect");
        exit(EXIT_FAILURE);
    }
    printf("Connected to %s:%d\n", ip, port);

    /* The server may send its reply in several pieces; read until it
     * closes the connection. */
    while (total < sizeof(buffer) - 1 &&
           (n = read(sock, buffer + total, sizeof(buffer) - 1 - total)) > 0)
        total += (size_t)n;
    if (n < 0) {
        perror("read");
        exit(EXIT_FAILURE);
    }
    buffer[total] = '\0';

    printf("Received: %s", buffer);
    if (total == 0 || buffer[total - 1] != '\n')
        printf("\n");

    close(sock);
    return 0;
}
