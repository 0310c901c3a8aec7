/*
 * oob_refused.c: urgent data (MSG_OOB). Natively a TCP socket sends and
 * receives the urgent byte; on wasock both calls fail with EOPNOTSUPP (Node
 * has no urgent data) and the connection goes on as before. A UDP socket
 * refuses MSG_OOB natively too. test/refused-calls.test.ts holds each build
 * to its own expected transcript.
 */
#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);
    report("tcp send(MSG_OOB)", send(client, "!", 1, MSG_OOB));
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    char c = '?';
    ssize_t n = recv(server, &c, 1, MSG_OOB);
    report("tcp recv(MSG_OOB)", n);
    if (n == 1)
        printf("urgent byte: %c\n", c);
    report("tcp send", send(client, "abc", 3, 0));
    char buf[8];
    n = recv(server, buf, sizeof buf, 0);
    printf("tcp recv: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
    close(client);
    close(server);

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = loopback4(9);
    report("udp sendto(MSG_OOB)", sendto(udp, "x", 1, MSG_OOB, (struct sockaddr *)&to, sizeof to));
    close(udp);
    return 0;
}
