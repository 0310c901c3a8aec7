/*
 * fs_big.c: writes SIZE_MB mebibytes to DIR/big.bin in 1 MiB writes, reads
 * them back and checks every byte; prints "ok N MiB". The host's memory
 * must not grow with the file (test/fs-memory.test.ts). Usage: fs_big DIR SIZE_MB
 */
#include "fs_common.h"

static unsigned char buf[1 << 20];

static void fill(unsigned char *p, size_t n, unsigned long block) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(block * 31 + i * 7);
}

int main(int argc, char **argv) {
    fs_start(argc, argv);
    long mb = argc > 2 ? atol(argv[2]) : 16;
    int fd = open(at("big.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "open");
    for (long b = 0; b < mb; b++) {
        fill(buf, sizeof buf, (unsigned long)b);
        write_all(fd, buf, sizeof buf);
    }
    check(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    static unsigned char expect[1 << 20];
    for (long b = 0; b < mb; b++) {
        size_t got = read_full(fd, buf, sizeof buf);
        check(got == sizeof buf, "read back");
        fill(expect, sizeof expect, (unsigned long)b);
        if (memcmp(buf, expect, sizeof buf) != 0) {
            printf("mismatch in MiB %ld\n", b);
            return 1;
        }
    }
    close(fd);
    printf("ok %ld MiB\n", mb);
    return 0;
}
