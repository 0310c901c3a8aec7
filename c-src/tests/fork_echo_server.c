/*
 * fork_echo_server.c: the textbook's multi-process echo server, unchanged
 * in style: a child per client, SIGCHLD reaping zombies with waitpid. It
 * compiles for wasm as it is; there fork() fails with ENOSYS after
 * wasock's one stderr line saying why, and the server stops at its own
 * error message (test/refused-calls.test.ts).
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF_SIZE 30

static void error_handling(const char *message) {
    fputs(message, stderr);
    fputc('\n', stderr);
    exit(1);
}

static void read_childproc(int sig) {
    int status;
    pid_t id = waitpid(-1, &status, WNOHANG);
    (void)sig;
    if (id > 0 && WIFEXITED(status))
        printf("removed proc id: %d, status %d\n", (int)id, WEXITSTATUS(status));
}

int main(int argc, char *argv[]) {
    if (argc != 2) {
        printf("Usage : %s <port>\n", argv[0]);
        exit(1);
    }
    signal(SIGCHLD, read_childproc);
    int serv_sock = socket(PF_INET, SOCK_STREAM, 0);
    struct sockaddr_in serv_adr;
    memset(&serv_adr, 0, sizeof(serv_adr));
    serv_adr.sin_family = AF_INET;
    serv_adr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    serv_adr.sin_port = htons(atoi(argv[1]));
    if (bind(serv_sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1)
        error_handling("bind() error");
    if (listen(serv_sock, 5) == -1)
        error_handling("listen() error");
    printf("listening\n");
    fflush(stdout);

    for (int served = 0; served < 1; served++) {
        struct sockaddr_in clnt_adr;
        socklen_t adr_sz = sizeof(clnt_adr);
        int clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_adr, &adr_sz);
        if (clnt_sock == -1)
            continue;
        puts("new client connected...");
        fflush(stdout);
        pid_t pid = fork();
        if (pid == -1) {
            close(clnt_sock);
            error_handling("fork() error");
        }
        if (pid == 0) {
            char buf[BUF_SIZE];
            ssize_t str_len;
            close(serv_sock);
            while ((str_len = read(clnt_sock, buf, BUF_SIZE)) > 0)
                write(clnt_sock, buf, (size_t)str_len);
            close(clnt_sock);
            puts("client disconnected...");
            return 0;
        }
        close(clnt_sock);
    }
    int status;
    pid_t child = wait(&status);
    printf("child %s\n", child > 0 ? "reaped" : "gone");
    close(serv_sock);
    return 0;
}
