/*
 * fs_rw.c: a file's life through read/write calls: create, write, append,
 * read back, seek from each end, pread/pwrite, truncate and extend, a hole
 * past the end, stdio on top, fstat sizes and types. Usage: fs_rw DIR
 */
#include "fs_common.h"

int main(int argc, char **argv) {
    fs_start(argc, argv);
    char buf[64];

    int fd = open(at("a.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "open a.txt");
    report("write", write(fd, "hello world\n", 12));
    report("lseek cur", lseek(fd, 0, SEEK_CUR));
    report("read on write-only", read(fd, buf, 4));
    close(fd);

    fd = open(at("a.txt"), O_WRONLY | O_APPEND);
    check(fd >= 0, "open append");
    report("lseek set 0", lseek(fd, 0, SEEK_SET));
    report("append", write(fd, "more\n", 5));
    report("lseek cur after append", lseek(fd, 0, SEEK_CUR));
    report("pwrite on append", pwrite(fd, "tail\n", 5, 0));
    close(fd);
    show_file("a.txt");

    fd = open(at("a.txt"), O_RDONLY);
    check(fd >= 0, "open read");
    ssize_t n = read(fd, buf, 5);
    printf("read 5: %zd \"%.*s\"\n", n, (int)n, buf);
    report("lseek set 6", lseek(fd, 6, SEEK_SET));
    n = read(fd, buf, 5);
    printf("read at 6: \"%.*s\"\n", (int)n, buf);
    report("lseek end -5", lseek(fd, -5, SEEK_END));
    n = read(fd, buf, sizeof buf);
    printf("read at end-5: %zd\n", n);
    report("read at EOF", read(fd, buf, sizeof buf));
    report("lseek cur -100", lseek(fd, -100, SEEK_CUR));
    report("lseek bad whence", lseek(fd, 0, 42));
    n = pread(fd, buf, 5, 0);
    printf("pread 0: \"%.*s\"\n", (int)n, buf);
    report("lseek cur after pread", lseek(fd, 0, SEEK_CUR));
    report("write on read-only", write(fd, "x", 1));
    report("ftruncate read-only", ftruncate(fd, 1));
    close(fd);

    fd = open(at("a.txt"), O_RDWR);
    check(fd >= 0, "open rdwr");
    report("pwrite HELLO", pwrite(fd, "HELLO", 5, 0));
    report("ftruncate 8", ftruncate(fd, 8));
    struct stat st;
    check(fstat(fd, &st) == 0, "fstat");
    printf("fstat: %s size %lld\n", type_name(st.st_mode), (long long)st.st_size);
    report("ftruncate 12", ftruncate(fd, 12));
    show_file("a.txt");
    report("lseek past end", lseek(fd, 20, SEEK_SET));
    report("write past end", write(fd, "Z", 1));
    check(fstat(fd, &st) == 0, "fstat");
    printf("size with hole: %lld\n", (long long)st.st_size);
    n = pread(fd, buf, sizeof buf, 0);
    int zeros = 0;
    for (ssize_t i = 0; i < n; i++) zeros += buf[i] == 0;
    printf("pread all: %zd bytes, %d zero bytes\n", n, zeros);
    close(fd);

    FILE *f = fopen(at("b.txt"), "w");
    check(f != NULL, "fopen w");
    for (int i = 1; i <= 3; i++) fprintf(f, "line %d\n", i);
    fclose(f);
    f = fopen(at("b.txt"), "a");
    check(f != NULL, "fopen a");
    fputs("line 4\n", f);
    fclose(f);
    f = fopen(at("b.txt"), "r");
    check(f != NULL, "fopen r");
    while (fgets(buf, sizeof buf, f)) printf("fgets: %s", buf);
    fseek(f, 0, SEEK_END);
    printf("ftell at end: %ld\n", ftell(f));
    fclose(f);

    report("open O_EXCL existing", open(at("b.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open(at("c.txt"), O_RDWR | O_CREAT | O_EXCL, 0644);
    printf("open O_EXCL new: %s\n", fd >= 0 ? "ok" : errname(errno));
    close(fd);
    show_stat("a.txt", 1);
    show_stat("b.txt", 1);
    show_stat("c.txt", 1);
    show_stat(".", 1);
    fd = open(at("b.txt"), O_WRONLY | O_TRUNC);
    close(fd);
    show_stat("b.txt", 1);
    return 0;
}
