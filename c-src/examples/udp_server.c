/*
 * udp_server.c: a UDP echo server in the classic tutorial shape.
 *
 *   socket -> bind -> recvfrom one datagram -> print -> sendto it back
 *
 * Usage: udp_server [port]   (default 8080)
 *
 * It prints the sender's IP but not its port, which the sender's kernel
 * picks, so the output is the same from run to run.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 8080
#define BUFFER_SIZE 2048

int main(int argc, char *argv[]) {
    int port = argc > 1 ? atoi(argv[1]) : DEFAULT_PORT;
    int sock;
    struct sockaddr_in server_addr, client_addr;
    socklen_t client_len = sizeof(client_addr);
    char buffer[BUFFER_SIZE];
    ssize_t n;

    setvbuf(stdout, NULL, _IOLBF, 0);

    if (port <= 0 || port > 65535) {
        fprintf(stderr, "usage: %s [port]\n", argv[0]);
        exit(EXIT_FAILURE);
    }

    sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (sock < 0) {
        perror("socket");
        exit(EXIT_FAILURE);
    }

    memset(&server_addr, 0, sizeof(server_addr));
    server_addr.sin_family = AF_INET;
    server_addr.sin_addr.s_addr = htonl(INADDR_ANY);
    server_addr.sin_port = htons(port);

    if (bind(sock, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0) {
        perror("bind");
        exit(EXIT_FAILURE);
    }
    printf("UDP server listening on port %d\n", port);

    n = recvfrom(sock, buffer, sizeof(buffer) - 1, 0, (struct sockaddr *)&client_addr,
                 &client_len);
    if (n < 0) {
        perror("recvfrom");
        exit(EXIT_FAILURE);
    }
    buffer[n] = '\0';
    printf("Received \"%s\" from %s\n", buffer, inet_ntoa(client_addr.sin_addr));

    if (sendto(sock, buffer, (size_t)n, 0, (struct sockaddr *)&client_addr, client_len) < 0) {
        perror("sendto");
        exit(EXIT_FAILURE);
    }
    printf("Echoed %zd bytes\n", n);

    close(sock);
    return 0;
}
