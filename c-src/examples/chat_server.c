/*
 * chat_server.c: a line-based chat server built on select(). It watches
 * the listening socket and every client; each complete line a client sends
 * goes to all the other clients as "client N: line". Joins and departures
 * are announced with "* client N joined" / "* client N left".
 *
 * Usage: chat_server PORT [MAX]
 * With MAX, the server exits once MAX clients have connected and all of
 * them have left (handy for scripted runs); without it, it runs forever.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define LINE_MAX_LEN 512

struct client {
    int fd;
    int id;
    size_t used;
    char line[LINE_MAX_LEN];
};

static struct client clients[MAX_CLIENTS];

static void send_all(int fd, const char *text, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* that client is going away; its EOF will show up */
        text += n;
        len -= (size_t)n;
    }
}

/* Sends text to every client except `except` (an fd, or -1 for none). */
static void broadcast(const char *text, int except) {
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd >= 0 && clients[i].fd != except)
            send_all(clients[i].fd, text, strlen(text));
}

int main(int argc, char *argv[]) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s port [max-clients]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int max_total = argc > 2 ? atoi(argv[2]) : 0;
    setvbuf(stdout, NULL, _IOLBF, 0);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) {
        perror("socket");
        return 1;
    }
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }
    if (listen(listener, 10) < 0) {
        perror("listen");
        return 1;
    }
    printf("chat server on port %d\n", port);

    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    int next_id = 1, connected = 0, total = 0;

    for (;;) {
        fd_set readable;
        FD_ZERO(&readable);
        int top = -1;
        if (max_total == 0 || total < max_total) {
            FD_SET(listener, &readable);
            top = listener;
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].fd >= 0) {
                FD_SET(clients[i].fd, &readable);
                if (clients[i].fd > top)
                    top = clients[i].fd;
            }
        }
        if (select(top + 1, &readable, NULL, NULL, NULL) < 0) {
            perror("select");
            return 1;
        }

        if (FD_ISSET(listener, &readable)) {
            struct sockaddr_in from;
            socklen_t len = sizeof from;
            int fd = accept(listener, (struct sockaddr *)&from, &len);
            if (fd < 0) {
                perror("accept");
            } else {
                int slot = -1;
                for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
                    if (clients[i].fd < 0)
                        slot = i;
                if (slot < 0) {
                    send_all(fd, "* server full\n", 14);
                    close(fd);
                } else {
                    char text[64];
                    clients[slot].fd = fd;
                    clients[slot].id = next_id++;
                    clients[slot].used = 0;
                    connected++;
                    total++;
                    printf("client %d connected from %s\n", clients[slot].id, inet_ntoa(from.sin_addr));
                    snprintf(text, sizeof text, "* welcome, you are client %d\n", clients[slot].id);
                    send_all(fd, text, strlen(text));
                    snprintf(text, sizeof text, "* client %d joined\n", clients[slot].id);
                    broadcast(text, fd);
                }
            }
        }

        for (int i = 0; i < MAX_CLIENTS; i++) {
            struct client *c = &clients[i];
            if (c->fd < 0 || !FD_ISSET(c->fd, &readable))
                continue;
            char buf[256];
            ssize_t n = recv(c->fd, buf, sizeof buf, 0);
            if (n <= 0) {
                char text[64];
                printf("client %d left\n", c->id);
                close(c->fd);
                c->fd = -1;
                connected--;
                snprintf(text, sizeof text, "* client %d left\n", c->id);
                broadcast(text, -1);
                continue;
            }
            for (ssize_t k = 0; k < n; k++) {
                if (c->used < LINE_MAX_LEN - 1)
                    c->line[c->used++] = buf[k];
                if (buf[k] != '\n')
                    continue;
                char text[LINE_MAX_LEN + 32];
                snprintf(text, sizeof text, "client %d: %.*s", c->id, (int)c->used, c->line);
                printf("%s", text);
                broadcast(text, c->fd);
                c->used = 0;
            }
        }

        if (max_total > 0 && total >= max_total && connected == 0)
            break;
    }
    printf("all %d clients have left, exiting\n", total);
    close(listener);
    return 0;
}
