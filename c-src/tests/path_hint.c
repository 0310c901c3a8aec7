/*
 * path_hint.c: opens each path in argv and prints its first line, or that
 * it failed. Run without a directory (no --dir), wasock adds one stderr
 * line saying how to give the program one (test/path-hint.test.ts).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (f == NULL) {
            printf("%s: cannot open\n", argv[i]);
            continue;
        }
        char line[128] = "";
        if (fgets(line, sizeof line, f) == NULL) line[0] = '\0';
        line[strcspn(line, "\n")] = '\0';
        printf("%s: %s\n", argv[i], line);
        fclose(f);
    }
    return 0;
}
