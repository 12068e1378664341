/*
 * Dense faults and MADV_DONTNEED of a dense range: write one byte in each
 * page of 256 MiB (65,536 faults, 128 PTE tables), then MADV_DONTNEED all
 * of it in one call; RUNS times. Prints the median time of one fault and of
 * the whole DONTNEED, and VmPTE and PageTables before the first pass, when
 * populated and after the last DONTNEED (prune frees the emptied tables,
 * Linux 6.1 keeps them).
 */
#include "bench.h"

#include <sys/mman.h>

#define SPAN (256ul << 20)
#define PAGES (SPAN / 4096)
#define RUNS 5

int main(void)
{
    bench_start();
    char *area = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        printf("# dense_256m: cannot map 256 MiB\n");
        return 1;
    }
    bench_print_tables("dense", "before");
    uint64_t fault_ns[RUNS], drop_ns[RUNS];
    for (int r = 0; r < RUNS; r++) {
        struct bench_time t = bench_now();
        bench_touch(area, SPAN);
        fault_ns[r] = bench_since(t).ns / PAGES;
        if (r == RUNS - 1)
            bench_print_tables("dense", "populated");
        t = bench_now();
        if (madvise(area, SPAN, MADV_DONTNEED) != 0)
            printf("# dense_256m: madvise failed\n");
        drop_ns[r] = bench_since(t).ns;
    }
    bench_print_tables("dense", "after");
    munmap(area, SPAN);
    bench_print("dense_fault_time", bench_median(fault_ns, RUNS), "ns");
    bench_print("dense_dontneed_256m_time", bench_median(drop_ns, RUNS), "ns");
    return 0;
}
