/*
 * Helpers shared by the user benchmarks (tests/bench/bench_*.c): plain C
 * programs built with "musl-gcc -static" that run on prune (make bench runs
 * every /bin/bench_* after the kernel's own benchmarks) and on Linux alike.
 * Each prints its figures as "name value unit" lines (integers; units in
 * lower case: cycles, ns, kb...) and "# " notes; nothing is asserted.
 * Cycles are the TSC's (the guest's under QEMU), ns the monotonic clock's.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../user/proc_time.h"

/* Call first: unbuffered stdout, so lines interleave right with others'. */
static inline void bench_start(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

static inline uint64_t bench_cycles(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static inline uint64_t bench_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A timed interval: cycles and ns. */
struct bench_time {
    uint64_t cycles, ns;
};

static inline struct bench_time bench_now(void)
{
    return (struct bench_time){ bench_cycles(), bench_ns() };
}

static inline struct bench_time bench_since(struct bench_time start)
{
    struct bench_time now = bench_now();
    return (struct bench_time){ now.cycles - start.cycles, now.ns - start.ns };
}

static inline int bench_compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorts v). */
static inline uint64_t bench_median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), bench_compare_u64);
    return v[n / 2];
}

/* Prints "name value unit". */
static inline void bench_print(const char *name, uint64_t value, const char *unit)
{
    printf("%s %llu %s\n", name, (unsigned long long)value, unit);
}

/* Prints "name value kb", or a "# name: not available" note if kb < 0. */
static inline void bench_print_kb(const char *name, long kb)
{
    if (kb >= 0)
        bench_print(name, (uint64_t)kb, "kb");
    else
        printf("# %s: not available\n", name);
}

/* Prints "PREFIX_vmpte_WHEN" (this process's page tables, /proc/self/status)
 * and "PREFIX_pagetables_WHEN" (every process's, /proc/meminfo), in kB. */
static inline void bench_print_tables(const char *prefix, const char *when)
{
    char name[128];
    snprintf(name, sizeof(name), "%s_vmpte_%s", prefix, when);
    bench_print_kb(name, proc_kb("/proc/self/status", "VmPTE"));
    snprintf(name, sizeof(name), "%s_pagetables_%s", prefix, when);
    bench_print_kb(name, proc_kb("/proc/meminfo", "PageTables"));
}

/* Writes one byte in each 4 KiB page of [p, p + len). */
static inline void bench_touch(char *p, uint64_t len)
{
    for (uint64_t off = 0; off < len; off += 4096)
        ((volatile char *)p)[off] = 1;
}

#endif
