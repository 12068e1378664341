/*
 * Page tables under memory pressure: on a machine of at most 256 MiB
 * (make bench and make compare boot one of 128 MiB for it), read one word
 * per 2 MiB over 64 GiB of private anonymous memory: 32,768 PTE tables,
 * 128 MiB of them, to map the zero page. prune reclaims tables that hold
 * only the zero page before it gives up (kernel/oom.h, O6) and finishes;
 * Linux's tables are not reclaimable and its out-of-memory killer ends the
 * program. Prints the GiB it has still to read, at the start and after
 * every GiB (the last figure is the outcome: 0 if it finished), then
 * pressure_survived (every word read was zero), the time per read and
 * VmPTE at the end. On a bigger machine it prints a note and nothing else
 * (there it measures nothing), unless BENCH_PRESSURE_ANYWAY is set in its
 * environment (tools/compare/selfcheck.sh).
 */
#include "bench.h"

#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define AREA (64ul << 30)
#define SMALL_KB (256l << 10)

int main(void)
{
    bench_start();
    long ram = proc_kb("/proc/meminfo", "MemTotal");
    if ((ram < 0 || ram > SMALL_KB) && !getenv("BENCH_PRESSURE_ANYWAY")) {
        printf("# pressure: %ld kB of RAM, more than 256 MiB: skipped\n", ram);
        return 0;
    }
    volatile char *area = mmap(NULL, AREA, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                               -1, 0);
    if (area == MAP_FAILED) {
        printf("# pressure: cannot map 64 GiB\n");
        return 1;
    }
    bench_print("pressure_ram", (uint64_t)ram, "kb");
    bench_print("pressure_gib_left", AREA >> 30, "gib");
    uint64_t wrong = 0;
    struct bench_time t = bench_now();
    for (uint64_t off = 0; off < AREA; off += TWO_MIB) {
        wrong += area[off + (off >> 9) % TWO_MIB] != 0;
        if ((off + TWO_MIB) % (1ul << 30) == 0)
            bench_print("pressure_gib_left", (AREA - off - TWO_MIB) >> 30, "gib");
    }
    struct bench_time d = bench_since(t);
    bench_print("pressure_survived", wrong == 0, "runs");
    bench_print("pressure_read_time", d.ns / (AREA / TWO_MIB), "ns");
    bench_print("pressure_read_cycles", d.cycles / (AREA / TWO_MIB), "cycles");
    bench_print_kb("pressure_vmpte_end", proc_kb("/proc/self/status", "VmPTE"));
    return 0;
}
