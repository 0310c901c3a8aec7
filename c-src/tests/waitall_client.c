/*
 * waitall_client.c: sends 30 bytes as three 10-byte writes 100 ms apart,
 * then 10 bytes and closes. Usage: waitall_client PORT
 */
#include "common.h"

int main(int argc, char **argv) {
    int fd = connect_loopback(port_arg(argc, argv, 1));
    const char *pieces[] = {"0123456789", "abcdefghij", "ABCDEFGHIJ", "last piece"};
    for (int i = 0; i < 4; i++) {
        usleep(100000);
        write_all(fd, pieces[i], 10);
        printf("sent piece %d\n", i + 1);
    }
    close(fd);
    return 0;
}
