/*
 * sleep [-v] SECONDS: sleeps, for trying job control in the shell
 * (user/minish.c): ^C ends it, ^Z stops it, "fg" continues it. With -v it says
 * so once it runs, which is when it already has the terminal (the shell
 * gives it before execve): a script typing ^C waits for that line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    int verbose = argc == 3 && strcmp(argv[1], "-v") == 0;
    if (argc != 2 + verbose) {
        fprintf(stderr, "usage: sleep [-v] SECONDS\n");
        return 2;
    }
    struct timespec ts = {atol(argv[1 + verbose]), 0};
    if (verbose)
        printf("sleep: %ld s\n", (long)ts.tv_sec);
    fflush(stdout);
    while (nanosleep(&ts, &ts) != 0)
        ;
    return 0;
}
