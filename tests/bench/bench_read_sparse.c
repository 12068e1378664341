/*
 * Read-only sparse memory: one read per 4 KiB over 1 GiB of private
 * anonymous memory never written (262,144 faults; on prune and on Linux
 * each maps the shared zero page). Prints VmRSS and VmPTE before and after
 * the first pass (the zero page costs no resident memory; the tables do:
 * 512 PTE tables, 2 MiB), and the time per fault over RUNS passes, each on
 * a fresh mapping: the median, the fastest and the slowest pass, in ns and
 * in TSC cycles.
 */
#include "bench.h"

#include <sys/mman.h>

#define AREA (1ul << 30)
#define PAGES (AREA / 4096)
#define RUNS 3

int main(void)
{
    bench_start();
    uint64_t ns[RUNS], cycles[RUNS];
    long rss_before = proc_kb("/proc/self/status", "VmRSS");
    long pte_before = proc_kb("/proc/self/status", "VmPTE");
    uint64_t sum = 0;
    for (int r = 0; r < RUNS; r++) {
        volatile char *area = mmap(NULL, AREA, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (area == MAP_FAILED) {
            printf("# read_sparse: cannot map 1 GiB\n");
            return 1;
        }
        struct bench_time t = bench_now();
        for (uint64_t off = 0; off < AREA; off += 4096)
            sum += area[off];
        struct bench_time d = bench_since(t);
        ns[r] = d.ns / PAGES;
        cycles[r] = d.cycles / PAGES;
        if (r == 0) {
            bench_print_kb("read_sparse_rss_before", rss_before);
            bench_print_kb("read_sparse_rss_after", proc_kb("/proc/self/status", "VmRSS"));
            bench_print_kb("read_sparse_vmpte_before", pte_before);
            bench_print_kb("read_sparse_vmpte_after", proc_kb("/proc/self/status", "VmPTE"));
        }
        munmap((void *)area, AREA);
    }
    if (sum)
        printf("# read_sparse: read %llu, not zeros\n", (unsigned long long)sum);
    uint64_t c = bench_median(cycles, RUNS);
    bench_print("read_sparse_fault_time", bench_median(ns, RUNS), "ns");
    bench_print("read_sparse_fault_time_min", ns[0], "ns");
    bench_print("read_sparse_fault_time_max", ns[RUNS - 1], "ns");
    bench_print("read_sparse_fault_cycles", c, "cycles");
    return 0;
}
