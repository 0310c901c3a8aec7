/*
 * fs_errnos.c: the errno of each common file mistake: ENOENT, EEXIST,
 * ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, ESPIPE, EBADF. Usage: fs_errnos DIR
 */
#include "fs_common.h"

int main(int argc, char **argv) {
    fs_start(argc, argv);
    char buf[8];
    int fd = open(at("file"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "create file");
    close(fd);
    check(mkdir(at("dir"), 0755) == 0, "mkdir dir");
    check(mkdir(at("full"), 0755) == 0, "mkdir full");
    fd = open(at("full/x"), O_WRONLY | O_CREAT, 0644);
    close(fd);

    report("open missing", open(at("missing"), O_RDONLY));
    report("open missing/x", open(at("missing/x"), O_RDONLY | O_CREAT, 0644));
    report("stat missing", access(at("missing"), F_OK));
    report("unlink missing", unlink(at("missing")));
    report("rmdir missing", rmdir(at("missing")));
    report("rename missing", rename(at("missing"), at("other")));
    report("readlink missing", readlink(at("missing"), buf, sizeof buf));

    report("open O_EXCL existing", open(at("file"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    report("open O_EXCL dir", open(at("dir"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    report("mkdir existing dir", mkdir(at("dir"), 0755));
    report("mkdir existing file", mkdir(at("file"), 0755));
    report("symlink existing", symlink("x", at("file")));
    report("link existing", link(at("file"), at("dir")));

    report("open file/x", open(at("file/x"), O_RDONLY));
    report("mkdir file/x", mkdir(at("file/x"), 0755));
    report("open O_DIRECTORY file", open(at("file"), O_RDONLY | O_DIRECTORY));
    report("rmdir file", rmdir(at("file")));
    report("open file/", open(at("file/"), O_RDONLY));
    report("rename dir over file", rename(at("dir"), at("file")));
    DIR *d = opendir(at("file"));
    printf("opendir file: %s\n", d ? "ok" : errname(errno));

    report("open dir O_WRONLY", open(at("dir"), O_WRONLY));
    report("open dir O_RDWR", open(at("dir"), O_RDWR));
    report("open dir O_CREAT", open(at("dir"), O_RDONLY | O_CREAT, 0644));
    report("unlink dir", unlink(at("dir")));
    report("rename file over dir", rename(at("file"), at("dir")));
    fd = open(at("dir"), O_RDONLY | O_DIRECTORY);
    check(fd >= 0, "open dir");
    report("read dir fd", read(fd, buf, sizeof buf));
    report("write dir fd", write(fd, "x", 1));
    close(fd);
    report("link dir", link(at("dir"), at("dirlink")));

    report("rmdir full", rmdir(at("full")));
    report("rename dir over full", rename(at("dir"), at("full")));
    report("rmdir dir/.", rmdir(at("dir/.")));
    report("readlink file", readlink(at("file"), buf, sizeof buf));
    report("rename dir into itself", rename(at("dir"), at("dir/sub")));

    int sv[2];
    int client, server;
    tcp_pair(&client, &server);
    (void)sv;
    report("lseek socket", lseek(client, 0, SEEK_SET));
    close(client);
    close(server);
    report("close twice", close(client));
    report("read closed fd", read(client, buf, 1));
    return 0;
}
