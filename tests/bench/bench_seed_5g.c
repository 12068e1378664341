/*
 * The seed series' own test, scaled to a 2 GiB machine: map 5 GiB (they
 * mapped 50 GiB), then 2,560 times touch every page of the next 2 MiB and
 * MADV_DONTNEED it. Each step empties the PTE table it filled; a kernel that
 * keeps empty tables ends with one PTE table per 2 MiB (10 MiB of VmPTE;
 * the series measured 102,640 kB before its change and 248 kB after on
 * 50 GiB). Prints VmPTE every 128 steps (seed_vmpte_step_NNNN: the curve
 * make compare plots), VmPTE and PageTables before and after, and the mean
 * time of one fault and of one 2 MiB MADV_DONTNEED.
 */
#include "bench.h"

#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define STEPS 2560
#define SPAN (STEPS * TWO_MIB)
#define SAMPLE_EVERY 128

int main(void)
{
    bench_start();
    char *area = mmap(NULL, SPAN + TWO_MIB, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) {
        printf("# seed_5g: cannot map 5 GiB\n");
        return 1;
    }
    char *base = (char *)(((uintptr_t)area + TWO_MIB - 1) & ~(TWO_MIB - 1));
    bench_print_tables("seed", "before");
    uint64_t touch_ns = 0, drop_ns = 0;
    char name[64];
    for (int step = 0; step < STEPS; step++) {
        char *chunk = base + (uint64_t)step * TWO_MIB;
        struct bench_time t = bench_now();
        bench_touch(chunk, TWO_MIB);
        touch_ns += bench_since(t).ns;
        t = bench_now();
        if (madvise(chunk, TWO_MIB, MADV_DONTNEED) != 0)
            printf("# seed_5g: madvise failed\n");
        drop_ns += bench_since(t).ns;
        if ((step + 1) % SAMPLE_EVERY == 0) {
            snprintf(name, sizeof(name), "seed_vmpte_step_%04d", step + 1);
            bench_print_kb(name, proc_kb("/proc/self/status", "VmPTE"));
        }
    }
    bench_print_tables("seed", "after");
    munmap(area, SPAN + TWO_MIB);
    bench_print_tables("seed", "after_munmap");
    bench_print("seed_fault_time", touch_ns / (STEPS * (TWO_MIB / 4096)), "ns");
    bench_print("seed_dontneed_2m_time", drop_ns / STEPS, "ns");
    return 0;
}
