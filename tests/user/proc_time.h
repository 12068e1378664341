/*
 * What the user tests (tests/user/ut.h) and the benchmarks
 * (tests/bench/bench.h) both need: a figure from a /proc file, and
 * milliseconds of monotonic time and of sleep. Plain C for musl-gcc
 * -static; the same on prune and on Linux.
 */
#ifndef TESTS_USER_PROC_TIME_H
#define TESTS_USER_PROC_TIME_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The value in kB of field key ("VmPTE", "MemFree"...) of a /proc file, or -1. */
static inline long proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    long value = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            value = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return value;
}

/* Milliseconds of CLOCK_MONOTONIC. */
static inline long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps for at least 'ms' milliseconds. */
static inline void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    nanosleep(&ts, NULL);
}

#endif
