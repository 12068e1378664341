/*
 * mincore: which pages of an anonymous mapping are resident (touched,
 * populated, dropped by MADV_DONTNEED), and its
 * errno values (unaligned, unmapped, beyond the user half).
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096ul
#define NPAGES 8

/* The residency of the n pages at p as a string of 0s and 1s. */
static const char *residency(char *p, unsigned long n)
{
    static char text[NPAGES + 1];
    unsigned char vec[NPAGES];
    if (mincore(p, n * PG, vec) != 0)
        return ut_errname(errno);
    for (unsigned long i = 0; i < n; i++)
        text[i] = '0' + (vec[i] & 1);
    text[n] = '\0';
    return text;
}

static void expect_residency(const char *what, char *p, const char *want)
{
    const char *got = residency(p, NPAGES);
    printf("%s: %s\n", what, got);
    if (strcmp(got, want) != 0) {
        ut_failures++;
        printf("FAIL %s: expected %s\n", what, want);
    }
}

int main(void)
{
    ut_start();
    char *m = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    expect_residency("fresh mapping", m, "00000000");
    m[0] = 1;
    m[3 * PG + 100] = 1;
    m[8 * PG - 1] = 1;
    expect_residency("pages 0, 3 and 7 written", m, "10010001");
    EXPECT_ERRNO("madvise MADV_DONTNEED pages 2-3", madvise(m + 2 * PG, 2 * PG, MADV_DONTNEED), 0);
    expect_residency("after MADV_DONTNEED", m, "10000001");

    unsigned char vec[NPAGES];
    unsigned long a = (unsigned long)m;
    EXPECT_ERRNO("mincore unaligned", syscall(SYS_mincore, a + 1, PG, vec), EINVAL);
    EXPECT_ERRNO("mincore length 0", syscall(SYS_mincore, a, 0, vec), 0);
    EXPECT_ERRNO("mincore unaligned length", syscall(SYS_mincore, a, 100, vec), 0);
    EXPECT_ERRNO("mincore beyond the user half", syscall(SYS_mincore, 1ul << 47, PG, vec), ENOMEM);
    EXPECT_ERRNO("munmap page 5", munmap(m + 5 * PG, PG), 0);
    EXPECT_ERRNO("mincore over the hole", syscall(SYS_mincore, a, NPAGES * PG, vec), ENOMEM);
    EXPECT_ERRNO("mincore of the hole", syscall(SYS_mincore, a + 5 * PG, PG, vec), ENOMEM);
    munmap(m, NPAGES * PG);

    char *pop = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK(pop != MAP_FAILED);
    expect_residency("MAP_POPULATE", pop, "11111111");
    munmap(pop, NPAGES * PG);
    return ut_finish("test_mincore");
}
