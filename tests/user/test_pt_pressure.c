/*
 * Page tables that give way under memory pressure: reads over 64 GiB of
 * private anonymous memory, one word per 2 MiB, need 32,768 PTE tables
 * (128 MiB of them) to map the zero page everywhere. On a 128 MiB machine
 * they cannot all live at once: prune reclaims the tables that hold only
 * the zero page before its allocator gives up (kernel/oom.h, O6), and the
 * reads finish, every word zero, twice over (the second pass refaults
 * what the first one's tables lost). A few pages written in between keep
 * their data. Linux, whose tables count toward nothing reclaimable, is
 * killed on such a machine (docs/compare.md); on the host it has room.
 */
/* prune-test: deterministic-output */
/* prune-test: mem: 128M */
/* prune-test: smp: 2 */
/* prune-test: cmdlines: ptreclaim=eager ptfree=rcu | ptreclaim=eager ptfree=ipi | ptreclaim=eager ptfree=off | ptreclaim=lazy ptfree=rcu | ptreclaim=lazy ptfree=ipi | ptreclaim=lazy ptfree=off */
#include "ut.h"

#include <stdint.h>
#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define AREA (64ul << 30)
#define STEPS (AREA / TWO_MIB)
#define DATA_EVERY 4096 /* one page of data per 8 GiB */

/* The word read in 2 MiB step i: somewhere inside it, 8-byte aligned. */
static volatile uint64_t *word_of(char *area, uint64_t i)
{
    uint64_t offset = (i * 2654435761u) % (TWO_MIB / 8) * 8;
    return (volatile uint64_t *)(area + i * TWO_MIB + offset);
}

/* Reads every step's word; returns how many were not what they should be
 * (0, or i for the steps holding data). */
static uint64_t read_all(char *area)
{
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < STEPS; i++) {
        uint64_t want = i % DATA_EVERY == 1 ? i : 0;
        wrong += *word_of(area, i) != want;
    }
    return wrong;
}

int main(void)
{
    ut_start();
    char *area = mmap(NULL, AREA, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(area != MAP_FAILED);
    if (area == MAP_FAILED)
        return ut_finish("test_pt_pressure");
    long start = now_ms();
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < STEPS; i++)
        wrong += *word_of(area, i) != 0;
    for (uint64_t i = 1; i < STEPS; i += DATA_EVERY)
        *word_of(area, i) = i;
    long first = now_ms();
    wrong += read_all(area);
    long second = now_ms();
    printf("read %lu words over 64 GiB twice: %s\n", (unsigned long)STEPS,
           wrong ? "some wrong" : "every one as written, the rest zero");
    printf("# %ld ms and %ld ms; VmPTE %ld kB, VmRSS %ld kB\n", first - start, second - first,
           proc_kb("/proc/self/status", "VmPTE"), proc_kb("/proc/self/status", "VmRSS"));
    CHECK(wrong == 0);
    FILE *ptstat = fopen("/proc/ptstat", "r"); /* prune's figures, as notes */
    char line[128];
    while (ptstat && fgets(line, sizeof(line), ptstat))
        if (strncmp(line, "reclaim", 7) == 0 || strncmp(line, "pte_", 4) == 0)
            printf("# ptstat %s", line);
    if (ptstat)
        fclose(ptstat);
    CHECK(munmap(area, AREA) == 0);
    return ut_finish("test_pt_pressure");
}
