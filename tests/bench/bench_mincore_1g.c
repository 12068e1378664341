/*
 * mincore over 1 GiB of populated memory (262,144 pages, 512 PTE tables):
 * one call for the whole GiB, RUNS times; prints the median time of a call
 * (on prune it goes through the lockless walker) and the time of the
 * populating faults.
 */
#include "bench.h"

#include <sys/mman.h>

#define SPAN (1ul << 30)
#define PAGES (SPAN / 4096)
#define RUNS 11

static unsigned char vec[PAGES];

int main(void)
{
    bench_start();
    char *area = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        printf("# mincore_1g: cannot map 1 GiB\n");
        return 1;
    }
    bench_print_tables("mincore", "before");
    struct bench_time t = bench_now();
    bench_touch(area, SPAN);
    uint64_t populate_ns = bench_since(t).ns;
    bench_print_tables("mincore", "populated");
    uint64_t call_ns[RUNS];
    for (int r = 0; r < RUNS; r++) {
        t = bench_now();
        if (mincore(area, SPAN, vec) != 0)
            printf("# mincore_1g: mincore failed\n");
        call_ns[r] = bench_since(t).ns;
    }
    uint64_t resident = 0;
    for (uint64_t i = 0; i < PAGES; i++)
        resident += vec[i] & 1;
    if (resident != PAGES)
        printf("# mincore_1g: %llu of %llu pages resident\n", (unsigned long long)resident,
               (unsigned long long)PAGES);
    munmap(area, SPAN);
    bench_print("mincore_populate_fault_time", populate_ns / PAGES, "ns");
    bench_print("mincore_1g_time", bench_median(call_ns, RUNS), "ns");
    return 0;
}
