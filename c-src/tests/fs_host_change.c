/*
 * fs_host_change.c: a file the host changes while the program waits on a
 * socket. The program writes DIR/shared.txt, keeps it open, says
 * "listening" and blocks in accept() on 127.0.0.1:PORT; the test then
 * rewrites the file and connects. What the program reads afterwards is the
 * host's new content, through the descriptor it kept and through a new open.
 * Usage: fs_host_change DIR PORT
 */
#include "fs_common.h"

int main(int argc, char **argv) {
    fs_start(argc, argv);
    if (argc < 3) return 2;
    int fd = open(at("shared.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "open");
    write_all(fd, "written by the program\n", 23);
    int lfd = listen_on(atoi(argv[2]), 1);
    printf("listening\n");
    int conn = accept(lfd, NULL, NULL);
    check(conn >= 0, "accept");
    char buf[128];
    ssize_t n = read(conn, buf, sizeof buf);
    printf("peer said: %.*s\n", n > 0 ? (int)n : 0, buf);
    struct stat st;
    check(fstat(fd, &st) == 0, "fstat");
    printf("size now: %lld\n", (long long)st.st_size);
    n = pread(fd, buf, sizeof buf, 0);
    printf("pread kept fd: %zd \"%.*s\"\n", n, n > 0 ? (int)n - 1 : 0, buf);
    show_file("shared.txt");
    show_file("from-host.txt");
    write_all(conn, "done", 4);
    close(conn);
    close(lfd);
    close(fd);
    return 0;
}
