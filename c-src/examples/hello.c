/* hello.c: the smallest program, used as a smoke test and to time start-up. */
#include <stdio.h>

int main(void) {
    printf("Hello, world!\n");
    return 0;
}
