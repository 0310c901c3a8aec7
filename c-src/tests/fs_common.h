/*
 * fs_common.h: helpers of the file conformance programs (fs_*.c). Each takes
 * a directory as its first argument (natively a temporary directory; on
 * wasock the same path, given with --dir) and works only below it.
 */
#ifndef FS_COMMON_H
#define FS_COMMON_H

#include "common.h"
#include <dirent.h>
#include <sys/stat.h>

static const char *fs_dir;

/* DIR/name; valid for four calls, so one call can take two paths. */
static inline const char *at(const char *name) {
    static char paths[4][1024];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", fs_dir, name);
    return p;
}

static inline void fs_start(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        exit(2);
    }
    fs_dir = argv[1];
    setvbuf(stdout, NULL, _IONBF, 0);
}

static inline const char *type_name(mode_t mode) {
    if (S_ISREG(mode)) return "file";
    if (S_ISDIR(mode)) return "dir";
    if (S_ISLNK(mode)) return "symlink";
    return "other";
}

/* "name: type size N" from stat (follow != 0) or lstat. */
static inline void show_stat(const char *name, int follow) {
    struct stat st;
    int rc = follow ? stat(at(name), &st) : lstat(at(name), &st);
    if (rc != 0) {
        printf("%s %s: -1 %s\n", follow ? "stat" : "lstat", name, errname(errno));
        return;
    }
    if (S_ISDIR(st.st_mode))
        printf("%s %s: dir\n", follow ? "stat" : "lstat", name);
    else
        printf("%s %s: %s size %lld nlink %lld\n", follow ? "stat" : "lstat", name, type_name(st.st_mode), (long long)st.st_size, (long long)st.st_nlink);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of DIR/name (without "." and ".."), sorted, with their d_type. */
static inline void list_dir(const char *name) {
    DIR *d = opendir(at(name));
    if (!d) {
        printf("opendir %s: -1 %s\n", name, errname(errno));
        return;
    }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *item = malloc(strlen(e->d_name) + 16);
        sprintf(item, "%s(%s)", e->d_name, e->d_type == DT_DIR ? "d" : e->d_type == DT_REG ? "f" : e->d_type == DT_LNK ? "l" : "?");
        names[n++] = item;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    printf("ls %s:", name);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

/* Prints the whole content of DIR/name (or the errno of open). */
static inline void show_file(const char *name) {
    int fd = open(at(name), O_RDONLY);
    if (fd < 0) {
        printf("cat %s: -1 %s\n", name, errname(errno));
        return;
    }
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    printf("cat %s: %zd \"", name, n);
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '\n') printf("\\n");
        else if (buf[i] == 0) printf("\\0");
        else putchar(buf[i]);
    }
    printf("\"\n");
    close(fd);
}

#endif
