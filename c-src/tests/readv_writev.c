/*
 * readv_writev.c: writev() gathers three buffers into one stream write;
 * readv() scatters what arrives across buffers of other sizes. sendmsg and
 * recvmsg with iovecs behave the same way.
 */
#include <sys/uio.h>

#include "common.h"

int main(void) {
    int client, server;
    tcp_pair(&client, &server);

    struct iovec out[3];
    out[0].iov_base = "alpha-";
    out[0].iov_len = 6;
    out[1].iov_base = "";
    out[1].iov_len = 0;
    out[2].iov_base = "beta-gamma";
    out[2].iov_len = 10;
    ssize_t n = writev(client, out, 3);
    printf("writev: %zd\n", n);

    char a[4], b[5], c[32];
    struct iovec in[3];
    in[0].iov_base = a;
    in[0].iov_len = sizeof a;
    in[1].iov_base = b;
    in[1].iov_len = sizeof b;
    in[2].iov_base = c;
    in[2].iov_len = sizeof c;
    size_t got = 0;
    /* The stream may deliver in more than one piece: readv until all 16 are in. */
    char all[64];
    for (int i = 0; i < 100 && got < 16; i++) {
        n = readv(server, in, 3);
        check(n > 0, "readv");
        size_t left = (size_t)n;
        size_t take = left < sizeof a ? left : sizeof a;
        memcpy(all + got, a, take);
        left -= take;
        size_t tb = left < sizeof b ? left : sizeof b;
        memcpy(all + got + take, b, tb);
        left -= tb;
        memcpy(all + got + take + tb, c, left);
        if (got == 0 && n == 16)
            printf("readv pieces: \"%.4s\" \"%.5s\" \"%.7s\"\n", a, b, c);
        got += (size_t)n;
    }
    printf("readv total: %zu \"%.*s\"\n", got, (int)got, all);

    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    struct iovec two[2] = {{"send", 4}, {"msg", 3}};
    msg.msg_iov = two;
    msg.msg_iovlen = 2;
    n = sendmsg(client, &msg, 0);
    printf("sendmsg: %zd\n", n);
    char x[3], y[4];
    struct iovec back[2] = {{x, sizeof x}, {y, sizeof y}};
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = back;
    msg.msg_iovlen = 2;
    n = recvmsg(server, &msg, MSG_WAITALL);
    printf("recvmsg(MSG_WAITALL) into 3+4 bytes: %zd \"%.3s\" \"%.4s\"\n", n, x, y);

    close(client);
    close(server);
    return 0;
}
