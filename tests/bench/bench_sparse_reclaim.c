/*
 * Reclaim of sparse page tables (what ptfree= is for): touch one page
 * per 2 MiB across 8 GiB (4096 PTE tables, 8 PMD tables), then
 * MADV_DONTNEED all of it; 20 such cycles. Prints VmPTE before the first
 * touch, after it, after its DONTNEED and after the last cycle (prune frees
 * every empty table: back to the start; Linux 6.18 keeps the PMD tables,
 * Linux 6.1 everything), PageTables of /proc/meminfo at the start (once
 * it is stable) and at the end once deferred frees have settled (a grace
 * period; on Linux it counts every process's tables), and the median
 * time of a touch pass and of a DONTNEED pass.
 */
#include "bench.h"

#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define SPAN (8ul << 30)
#define TABLES (SPAN / TWO_MIB)
#define CYCLES 20
#define SETTLE_MS 2000

static void print_kb(const char *name, long kb)
{
    if (kb >= 0)
        bench_print(name, (uint64_t)kb, "kb");
    else
        printf("# %s: not available\n", name);
}

/* PageTables once it has stopped falling (the deferred frees of programs
 * that ran before: unchanged over 100 ms, or SETTLE_MS). */
static long stable_page_tables(void)
{
    long now = proc_kb("/proc/meminfo", "PageTables");
    for (int ms = 0, same = 0; ms < SETTLE_MS && same < 5; ms += 20) {
        pause_ms(20);
        long next = proc_kb("/proc/meminfo", "PageTables");
        same = next == now ? same + 1 : 0;
        now = next;
    }
    return now;
}

/* Waits until PageTables is back to 'start' (or SETTLE_MS): returns it. */
static long settled_page_tables(long start)
{
    long now = proc_kb("/proc/meminfo", "PageTables");
    for (int ms = 0; ms < SETTLE_MS && now > start; ms += 10) {
        pause_ms(10);
        now = proc_kb("/proc/meminfo", "PageTables");
    }
    return now;
}

int main(void)
{
    bench_start();
    char *area = mmap(NULL, SPAN + TWO_MIB, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) {
        printf("# sparse_reclaim: cannot map 8 GiB\n");
        return 1;
    }
    char *base = (char *)(((uintptr_t)area + TWO_MIB - 1) & ~(TWO_MIB - 1));
    long tables_start = stable_page_tables();
    long before = proc_kb("/proc/self/status", "VmPTE");
    long touched = -1, dropped = -1;
    uint64_t touch_cycles[CYCLES], touch_ns[CYCLES], drop_cycles[CYCLES], drop_ns[CYCLES];
    for (int c = 0; c < CYCLES; c++) {
        struct bench_time t = bench_now();
        for (uint64_t i = 0; i < TABLES; i++)
            base[i * TWO_MIB + (i % 512) * 4096] = 1;
        struct bench_time touch = bench_since(t);
        if (c == 0)
            touched = proc_kb("/proc/self/status", "VmPTE");
        t = bench_now();
        if (madvise(base, SPAN, MADV_DONTNEED) != 0)
            printf("# sparse_reclaim: madvise failed\n");
        struct bench_time drop = bench_since(t);
        if (c == 0)
            dropped = proc_kb("/proc/self/status", "VmPTE");
        touch_cycles[c] = touch.cycles;
        touch_ns[c] = touch.ns;
        drop_cycles[c] = drop.cycles;
        drop_ns[c] = drop.ns;
    }
    long after_cycles = proc_kb("/proc/self/status", "VmPTE");
    long tables_end = settled_page_tables(tables_start);
    munmap(area, SPAN + TWO_MIB);
    long unmapped = proc_kb("/proc/self/status", "VmPTE");

    print_kb("sparse_vmpte_before", before);
    print_kb("sparse_vmpte_touched", touched);
    print_kb("sparse_vmpte_after_dontneed", dropped);
    print_kb("sparse_vmpte_after_20_cycles", after_cycles);
    print_kb("sparse_vmpte_after_munmap", unmapped);
    print_kb("sparse_pagetables_start", tables_start);
    print_kb("sparse_pagetables_end", tables_end);
    bench_print("sparse_touch_4096_tables", bench_median(touch_cycles, CYCLES), "cycles");
    bench_print("sparse_touch_4096_tables_time", bench_median(touch_ns, CYCLES), "ns");
    bench_print("sparse_dontneed_8g", bench_median(drop_cycles, CYCLES), "cycles");
    bench_print("sparse_dontneed_8g_time", bench_median(drop_ns, CYCLES), "ns");
    return 0;
}
