/*
 * /proc/self/status VmPTE (kB of page-table pages below the top level):
 * touching one page in each of 64 separate 2 MiB ranges needs 64 new PTE
 * tables, so VmPTE grows by at least 64 * 4 = 256 kB. VmRSS grows too.
 * The figures themselves are a "# " note line, left out of the comparison.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <stdint.h>
#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define TABLES 64

int main(void)
{
    ut_start();
    /* 65 ranges reserved so that 64 whole, aligned 2 MiB ranges fit inside. */
    size_t len = (TABLES + 1) * TWO_MIB;
    char *area = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(area != MAP_FAILED);
    char *aligned = (char *)(((uintptr_t)area + TWO_MIB - 1) & ~(TWO_MIB - 1));

    long pte_before = proc_kb("/proc/self/status", "VmPTE");
    long rss_before = proc_kb("/proc/self/status", "VmRSS");
    printf("VmPTE and VmRSS present: %s\n", pte_before >= 0 && rss_before >= 0 ? "yes" : "no");
    CHECK(pte_before >= 0 && rss_before >= 0);

    for (int i = 0; i < TABLES; i++)
        aligned[i * TWO_MIB + 4096 * (i % 512)] = 1;
    long pte_after = proc_kb("/proc/self/status", "VmPTE");
    long rss_after = proc_kb("/proc/self/status", "VmRSS");
    printf("VmPTE grew by at least %d kB: %s\n", TABLES * 4,
           pte_after - pte_before >= TABLES * 4 ? "yes" : "no");
    printf("VmRSS grew by at least %d kB: %s\n", TABLES * 4,
           rss_after - rss_before >= TABLES * 4 ? "yes" : "no");
    CHECK(pte_after - pte_before >= TABLES * 4);
    CHECK(rss_after - rss_before >= TABLES * 4);
    printf("# VmPTE %ld -> %ld kB, VmRSS %ld -> %ld kB\n", pte_before, pte_after,
           rss_before, rss_after);
    munmap(area, len);
    return ut_finish("test_vmpte");
}
