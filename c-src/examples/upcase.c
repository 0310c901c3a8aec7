/* upcase.c: reads a file and writes a copy with its letters in upper case,
 * the way a careful program replaces a file: into OUT.tmp first, then
 * rename() over OUT. On the way it makes and removes a scratch directory,
 * and at the end it lists OUT's directory.
 *
 *   upcase IN OUT        e.g. upcase /data/in.txt /data/out.txt
 *
 * In the browser demo the program's directory is /data: add in.txt there,
 * run, then download out.txt. Natively and under `node host/run.js --dir`
 * it works on any directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const char *path) {
    fprintf(stderr, "upcase: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: upcase IN OUT\n");
        return 2;
    }
    const char *in = argv[1], *out = argv[2];

    /* Read IN whole. */
    int fd = open(in, O_RDONLY);
    if (fd < 0) die("cannot open", in);
    size_t len = 0, cap = 4096;
    unsigned char *data = malloc(cap);
    for (;;) {
        if (len == cap) data = realloc(data, cap *= 2);
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0) die("cannot read", in);
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);

    size_t changed = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] >= 'a' && data[i] <= 'z') {
            data[i] -= 'a' - 'A';
            changed++;
        }
    }

    /* Write OUT.tmp, then rename it over OUT. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("cannot create", tmp);
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0) die("cannot write", tmp);
        done += (size_t)n;
    }
    if (close(fd) != 0) die("cannot close", tmp);
    if (rename(tmp, out) != 0) die("cannot rename", tmp);

    /* OUT's directory, and a scratch directory in it made and removed again. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0'; else strcpy(dir, ".");
    char scratch[4200], scratch_file[4300];
    snprintf(scratch, sizeof scratch, "%s/upcase.scratch", dir);
    snprintf(scratch_file, sizeof scratch_file, "%s/note", scratch);
    if (mkdir(scratch, 0755) != 0) die("cannot mkdir", scratch);
    if (mkdir(scratch, 0755) == 0 || errno != EEXIST) die("mkdir twice did not fail with EEXIST:", scratch);
    fd = open(scratch_file, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) die("cannot create", scratch_file);
    close(fd);
    if (rmdir(scratch) == 0 || errno != ENOTEMPTY) die("rmdir of a full directory did not fail with ENOTEMPTY:", scratch);
    if (unlink(scratch_file) != 0) die("cannot unlink", scratch_file);
    if (rmdir(scratch) != 0) die("cannot rmdir", scratch);

    /* The directory as it is now, sorted (readdir's order is the file system's). */
    DIR *d = opendir(dir);
    if (!d) die("cannot list", dir);
    char *names[256];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 256) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof names[0], by_name);

    printf("%s: %zu bytes, %zu letters upper-cased into %s\n", base_name(in), len, changed, base_name(out));
    for (int i = 0; i < count; i++) {
        char path[8400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) != 0) die("cannot stat", path);
        printf("  %-16s %8lld%s\n", names[i], (long long)st.st_size, S_ISDIR(st.st_mode) ? " (dir)" : "");
        free(names[i]);
    }
    free(data);
    return 0;
}
