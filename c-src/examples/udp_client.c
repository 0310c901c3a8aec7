/*
 * udp_client.c: a UDP client in the classic tutorial shape.
 *
 *   socket -> sendto -> recvfrom the reply -> print -> close
 *
 * Usage: udp_client [ip] [port] [message]   (defaults 127.0.0.1 8080 hello)
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
#define DEFAULT_MESSAGE "hello"
#define BUFFER_SIZE 2048

int main(int argc, char *argv[]) {
    const char *ip = argc > 1 ? argv[1] : DEFAULT_IP;
    int port = argc > 2 ? atoi(argv[2]) : DEFAULT_PORT;
    const char *message = argc > 3 ? argv[3] : DEFAULT_MESSAGE;
    int sock;
    struct sockaddr_in server_addr, from_addr;
    socklen_t from_len = sizeof(from_addr);
    char buffer[BUFFER_SIZE];
    ssize_t n;

    setvbuf(stdout, NULL, _IOLBF, 0);

    if (port <= 0 || port > 65535) {
        fprintf(stderr, "usage: %s [ip] [port] [message]\n", argv[0]);
        exit(EXIT_FAILURE);
    }

    sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
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

    if (sendto(sock, message, strlen(message), 0, (struct sockaddr *)&server_addr,
               sizeof(server_addr)) < 0) {
        perror("sendto");
        exit(EXIT_FAILURE);
    }
    printf("Sent \"%s\" to %s:%d\n", message, ip, port);

    n = recvfrom(sock, buffer, sizeof(buffer) - 1, 0, (struct sockaddr *)&from_addr, &from_len);
    if (n < 0) {
        perror("recvfrom");
        exit(EXIT_FAILURE);
    }
    buffer[n] = '\0';
    printf("Reply \"%s\" from %s:%d\n", buffer, inet_ntoa(from_addr.sin_addr),
           ntohs(from_addr.sin_port));

    close(sock);
    return 0;
}
