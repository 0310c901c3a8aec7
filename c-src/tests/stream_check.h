/*
 * stream_check.h: send a deterministic byte stream (sha256.h's generator)
 * and receive one, hashing each end, with write and read sizes that keep
 * changing so the transfer splits at every kind of boundary (1 byte, odd
 * sizes, a whole ring, more than a ring).
 */
#ifndef WASOCK_TESTS_STREAM_CHECK_H
#define WASOCK_TESTS_STREAM_CHECK_H

#include "common.h"
#include "sha256.h"

#define STREAM_BLOCK (1024 * 1024)

static const size_t stream_write_sizes[] = {1, 13, 1500, 4096, 65536, 333333, STREAM_BLOCK};
static const size_t stream_read_sizes[] = {1, 17, 4096, 65536, 262144, STREAM_BLOCK, 7};

/* Sends `bytes` bytes of the stream seeded with `seed`; writes its hash to hex. */
static inline void send_stream(int fd, uint32_t seed, long long bytes, char hex[65]) {
    static unsigned char block[STREAM_BLOCK];
    stream_gen g = {seed};
    sha256_ctx c;
    sha256_init(&c);
    size_t which = 0;
    long long left = bytes;
    while (left > 0) {
        size_t block_len = left < STREAM_BLOCK ? (size_t)left : STREAM_BLOCK;
        stream_fill(&g, block, STREAM_BLOCK);
        sha256_update(&c, block, block_len);
        size_t at = 0;
        while (at < block_len) {
            size_t n = stream_write_sizes[which++ % (sizeof stream_write_sizes / sizeof stream_write_sizes[0])];
            if (n > block_len - at)
                n = block_len - at;
            ssize_t w = send(fd, block + at, n, MSG_NOSIGNAL);
            check(w > 0, "send");
            at += (size_t)w;
        }
        left -= (long long)block_len;
    }
    sha256_hex(&c, hex);
}

/* Receives until EOF; returns the byte count and writes the hash to hex. */
static inline long long recv_stream(int fd, char hex[65]) {
    static unsigned char buf[STREAM_BLOCK];
    sha256_ctx c;
    sha256_init(&c);
    long long total = 0;
    size_t which = 0;
    for (;;) {
        size_t want = stream_read_sizes[which++ % (sizeof stream_read_sizes / sizeof stream_read_sizes[0])];
        ssize_t n = read(fd, buf, want);
        check(n >= 0, "read");
        if (n == 0)
            break;
        sha256_update(&c, buf, (size_t)n);
        total += n;
    }
    sha256_hex(&c, hex);
    return total;
}

/* The byte count argument: a positive number, optionally with K, M or G. */
static inline long long bytes_arg(int argc, char **argv, int index, long long fallback) {
    if (argc <= index)
        return fallback;
    char *end;
    long long v = strtoll(argv[index], &end, 10);
    if (*end == 'K' || *end == 'k')
        v <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        v <<= 20, end++;
    else if (*end == 'G' || *end == 'g')
        v <<= 30, end++;
    if (*end != '\0' || v <= 0) {
        fprintf(stderr, "%s: bad byte count %s\n", argv[0], argv[index]);
        exit(2);
    }
    return v;
}

#endif
