/*
 * server.c: a TCP server in the classic tutorial shape.
 *
 *   socket -> setsockopt(SO_REUSEADDR) -> bind -> listen -> accept
 *          -> write a greeting -> close
 *
 * Usage: server [port]   (default 8080)
 *
 * It serves one client and exits. It prints the client's IP but not its
 * port: the port is chosen by the client's kernel, and leaving it out keeps
 * the output the same from run to run.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 8080
#define BACKLOG 5

int main(int argc, char *argv[]) {
    int port = argc > 1 ? atoi(argv[1]) : DEFAULT_PORT;
    int server_fd, client_fd;
    int opt = 1;
    struct sockaddr_in server_addr, client_addr;
    socklen_t client_len = sizeof(client_addr);
    const char *greeting = "Hello from the server!\n";

    /* Line-buffered even when piped, so the "listening" line is out before
     * a test starts the client. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (port <= 0 || port > 65535) {
        fprintf(stderr, "usage: %s [port]\n", argv[0]);
        exit(EXIT_FAILURE);
    }

    server_fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (server_fd < 0) {
        perror("socket");
        exit(EXIT_FAILURE);
    }

    if (setsockopt(server_fd, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt)) < 0) {
        perror("setsockopt");
        exit(EXIT_FAILURE);
    }

    memset(&server_addr, 0, sizeof(server_addr));
    server_addr.sin_family = AF_INET;
    server_addr.sin_addr.s_addr = htonl(INADDR_ANY);
    server_addr.sin_port = htons(port);

    if (bind(server_fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0) {
        perror("bind");
        exit(EXIT_FAILURE);
    }

    if (listen(server_fd, BACKLOG) < 0) {
        perror("listen");
        exit(EXIT_FAILURE);
    }
    printf("Server listening on port %d\n", port);

    client_fd = accept(server_fd, (struct sockaddr *)&client_addr, &client_len);
    if (client_fd < 0) {
        perror("accept");
        exit(EXIT_FAILURE);
    }
    printf("Connection from %s\n", inet_ntoa(client_addr.sin_addr));

    if (write(client_fd, greeting, strlen(greeting)) < 0) {
        perror("write");
        exit(EXIT_FAILURE);
    }
    printf("Sent greeting, closing\n");

    close(client_fd);
    close(server_fd);
    return 0;
}
