/*
 * The hint for files: a program run without --dir has no directory at all,
 * and wasi-libc fails its open("data.txt") with ENOENT before asking the
 * host anything — the user sees "No such file or directory" for a file that
 * is right there. The driver links with --wrap=__wasilibc_find_relpath
 * (host/src/toolchain/clang-args.ts), so every path lookup of open, stat,
 * mkdir… passes here first; when one fails and the program was given no
 * directory, one stderr line says how to give it one. Only once: a program
 * that probes many paths gets one line, not one per path. (A program that
 * calls chdir() looks paths up through wasi-libc's other entry point and
 * gets no hint.)
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int __real___wasilibc_find_relpath(const char *path, const char **abs_prefix, char **relative_path,
                                   size_t relative_path_len);

/* Preopened directories come first, from fd 3; a socket or a closed number answers BADF. */
static int has_preopened_dir(void) {
    for (__wasi_fd_t fd = 3; fd < 3 + 64; fd++) {
        __wasi_prestat_t prestat;
        if (__wasi_fd_prestat_get(fd, &prestat) == 0 && prestat.tag == __WASI_PREOPENTYPE_DIR)
            return 1;
    }
    return 0;
}

static void hint(const char *path) {
    static int given;
    if (given)
        return;
    given = 1;
    if (has_preopened_dir())
        return;
    static const char head[] = "wasock: \"";
    static const char tail[] =
        "\": this program was given no directory, so it can open no file; run it with "
        "--dir . to let it use the current directory (or --dir HOST_DIR:GUEST_DIR)\n";
    write(STDERR_FILENO, head, sizeof head - 1);
    write(STDERR_FILENO, path, strlen(path));
    write(STDERR_FILENO, tail, sizeof tail - 1);
}

int __wrap___wasilibc_find_relpath(const char *path, const char **abs_prefix, char **relative_path,
                                   size_t relative_path_len) {
    int fd = __real___wasilibc_find_relpath(path, abs_prefix, relative_path, relative_path_len);
    if (fd < 0 && errno == ENOENT) {
        int saved = errno;
        hint(path);
        errno = saved;
    }
    return fd;
}
