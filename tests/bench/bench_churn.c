/*
 * Churn: 2,560 times write every page of the same 2 MiB and MADV_DONTNEED
 * it (an allocator that hands memory back and takes it again). Each cycle
 * empties one PTE table: prune under ptreclaim=eager frees it and
 * allocates it again at the next cycle's first fault; under lazy it stays
 * on the idle list and the refault takes it back; Linux 6.1 keeps it. Prints
 * the time per cycle (median, fastest, slowest, in ns; median in TSC
 * cycles), VmPTE after, and on prune the page-table pages allocated during
 * the run (/proc/ptstat; a note elsewhere).
 */
#include "bench.h"

#include <stdbool.h>
#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define CYCLES 2560

/* Page-table pages allocated so far (/proc/ptstat, one read): PTE tables
 * in *pte, every level in *all; false where there is no such file. */
static bool tables_allocated(long *pte, long *all)
{
    FILE *f = fopen("/proc/ptstat", "r");
    if (!f)
        return false;
    char line[128];
    *pte = *all = 0;
    while (fgets(line, sizeof(line), f)) {
        if (!strstr(line, "_allocated "))
            continue;
        long n = strtol(strchr(line, ' ') + 1, NULL, 10);
        *all += n;
        if (strncmp(line, "pte_", 4) == 0)
            *pte = n;
    }
    fclose(f);
    return true;
}

static void print_count(const char *name, bool known, long n)
{
    if (known)
        bench_print(name, (uint64_t)n, "tables");
    else
        printf("# %s: not available\n", name);
}

int main(void)
{
    bench_start();
    char *area = mmap(NULL, 2 * TWO_MIB, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) {
        printf("# churn: cannot map 4 MiB\n");
        return 1;
    }
    char *chunk = (char *)(((uintptr_t)area + TWO_MIB - 1) & ~(TWO_MIB - 1));
    static uint64_t ns[CYCLES], cycles[CYCLES];
    long pte0 = 0, all0 = 0, pte1 = 0, all1 = 0;
    bool known = tables_allocated(&pte0, &all0);
    for (int c = 0; c < CYCLES; c++) {
        struct bench_time t = bench_now();
        bench_touch(chunk, TWO_MIB);
        if (madvise(chunk, TWO_MIB, MADV_DONTNEED) != 0)
            printf("# churn: madvise failed\n");
        struct bench_time d = bench_since(t);
        ns[c] = d.ns;
        cycles[c] = d.cycles;
    }
    known = known && tables_allocated(&pte1, &all1);
    uint64_t median = bench_median(ns, CYCLES);
    bench_print("churn_cycle_time", median, "ns");
    bench_print("churn_cycle_time_min", ns[0], "ns");
    bench_print("churn_cycle_time_max", ns[CYCLES - 1], "ns");
    bench_print("churn_cycle_cycles", bench_median(cycles, CYCLES), "cycles");
    bench_print_kb("churn_vmpte_after", proc_kb("/proc/self/status", "VmPTE"));
    print_count("churn_pte_tables_allocated", known, pte1 - pte0);
    print_count("churn_tables_allocated", known, all1 - all0);
    munmap(area, 2 * TWO_MIB);
    return 0;
}
