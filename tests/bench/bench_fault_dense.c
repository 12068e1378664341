/*
 * Dense page faults: write one byte in each page of 64 MiB (16384 faults),
 * then MADV_DONTNEED it all; RUNS times. Prints the median cost of one
 * fault (cycles and ns), which includes, on prune, re-allocating the page
 * tables the DONTNEED freed (about one per 512 faults). The same figure
 * per free strategy, inside one boot, comes from the kernel benchmark
 * pt_fault_dense_* (tests/kernel/bench.c).
 */
#include "bench.h"

#include <sys/mman.h>

#define SPAN (64ul << 20)
#define PAGES (SPAN / 4096)
#define RUNS 31

int main(void)
{
    bench_start();
    char *area = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        printf("# fault_dense: cannot map 64 MiB\n");
        return 1;
    }
    uint64_t cycles[RUNS], ns[RUNS];
    for (int r = 0; r < RUNS; r++) {
        struct bench_time t = bench_now();
        for (uint64_t i = 0; i < PAGES; i++)
            ((volatile char *)area)[i * 4096] = 1;
        struct bench_time run = bench_since(t);
        cycles[r] = run.cycles / PAGES;
        ns[r] = run.ns / PAGES;
        madvise(area, SPAN, MADV_DONTNEED);
    }
    munmap(area, SPAN);
    bench_print("user_fault_dense", bench_median(cycles, RUNS), "cycles");
    bench_print("user_fault_dense_time", bench_median(ns, RUNS), "ns");
    return 0;
}
