/*
 * sleep SECONDS: sleeps, for trying job control in the shell (user/sh.c):
 * ^C ends it, ^Z stops it, "fg" continues it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    struct timespec ts = {atol(argv[1]), 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
    return 0;
}
