/*
 * fs_dir.c: directories and names: mkdir, a listing (sorted here), rename
 * of files and directories (over an existing file too), unlink, rmdir,
 * symbolic links (readlink, lstat against stat, a dangling one), a hard
 * link's link count. Usage: fs_dir DIR
 */
#include "fs_common.h"

static void touch(const char *name, const char *text) {
    int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "touch");
    write_all(fd, text, strlen(text));
    close(fd);
}

int main(int argc, char **argv) {
    fs_start(argc, argv);
    report("mkdir sub", mkdir(at("sub"), 0755));
    report("mkdir sub/inner", mkdir(at("sub/inner"), 0755));
    touch("sub/one.txt", "one\n");
    touch("sub/two.txt", "two two\n");
    touch("top.txt", "top\n");
    list_dir(".");
    list_dir("sub");

    report("rename file", rename(at("sub/one.txt"), at("sub/uno.txt")));
    report("rename over file", rename(at("sub/two.txt"), at("top.txt")));
    show_file("top.txt");
    report("rename dir", rename(at("sub/inner"), at("moved")));
    report("rename into dir", rename(at("top.txt"), at("moved/top.txt")));
    list_dir(".");
    list_dir("sub");
    list_dir("moved");

    report("symlink", symlink("moved/top.txt", at("link")));
    report("symlink dangling", symlink("nowhere", at("dangling")));
    char target[64];
    ssize_t n = readlink(at("link"), target, sizeof target);
    printf("readlink: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, target);
    n = readlink(at("link"), target, 4);
    printf("readlink short buffer: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, target);
    show_stat("link", 0);
    show_stat("link", 1);
    show_stat("dangling", 0);
    show_stat("dangling", 1);
    show_file("link");
    report("mkdir through dir link", symlink("moved", at("dirlink")));
    touch("dirlink/via-link.txt", "via\n");
    list_dir("moved");

    report("link", link(at("sub/uno.txt"), at("hard.txt")));
    show_stat("hard.txt", 1);
    touch("hard.txt", "changed through the other name\n");
    show_file("sub/uno.txt");
    report("unlink hard", unlink(at("hard.txt")));
    show_stat("sub/uno.txt", 1);

    report("unlink link", unlink(at("link")));
    report("unlink dangling", unlink(at("dangling")));
    report("unlink dirlink", unlink(at("dirlink")));
    show_stat("moved/top.txt", 1);
    report("unlink uno", unlink(at("sub/uno.txt")));
    report("rmdir sub", rmdir(at("sub")));
    report("unlink moved/top.txt", unlink(at("moved/top.txt")));
    report("unlink moved/via-link.txt", unlink(at("moved/via-link.txt")));
    report("rmdir moved", rmdir(at("moved")));
    list_dir(".");

    /* Many entries: the listing spans several fd_readdir calls. */
    char name[32];
    report("mkdir many", mkdir(at("many"), 0755));
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "many/entry-with-a-long-name-%03d", i);
        touch(name, "");
    }
    DIR *d = opendir(at("many"));
    check(d != NULL, "opendir many");
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) count++;
    rewinddir(d);
    int again = 0;
    while ((e = readdir(d)) != NULL) again++;
    closedir(d);
    printf("many: %d entries, %d after rewinddir\n", count, again);
    return 0;
}
