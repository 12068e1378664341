/*
 * mmap, munmap, mprotect and madvise: Linux's argument rules and errno values
 * (zero length, unaligned, beyond the user half, overlapping, MAP_FIXED over
 * existing mappings, MAP_FIXED_NOREPLACE), then what mappings do: zero fill,
 * hints, splitting, PROT_NONE and read-only faults, MADV_DONTNEED.
 * Raw system calls, so that musl's own argument checks stay out of the way.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096ul
#define USER_TOP 0x7ffffffff000ul /* end of the user half, 4-level paging */
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static long sys_mmap(unsigned long addr, unsigned long len, int prot, int flags)
{
    return syscall(SYS_mmap, addr, len, prot, flags, -1, 0);
}

/* A fresh private read-write mapping of n pages, or exits. */
static char *map_pages(unsigned long n)
{
    long p = sys_mmap(0, n * PG, RW, ANON);
    if (p == -1) {
        printf("FAIL mmap of %lu pages: %s\n", n, ut_errname(errno));
        exit(1);
    }
    return (char *)p;
}

static void argument_errors(void)
{
    char *m = map_pages(4);
    unsigned long a = (unsigned long)m;

    EXPECT_ERRNO("mmap length 0", sys_mmap(0, 0, RW, ANON), EINVAL);
    EXPECT_ERRNO("mmap MAP_FIXED unaligned", sys_mmap(a + 1, PG, RW, ANON | MAP_FIXED), EINVAL);
    EXPECT_ERRNO("mmap neither shared nor private", sys_mmap(0, PG, RW, MAP_ANONYMOUS), EINVAL);
    EXPECT_ERRNO("mmap longer than the user half", sys_mmap(0, 1ul << 48, RW, ANON), ENOMEM);
    EXPECT_ERRNO("mmap length -4096", sys_mmap(0, -PG, RW, ANON), ENOMEM);
    EXPECT_ERRNO("mmap MAP_FIXED beyond the user half",
                 sys_mmap(1ul << 47, PG, RW, ANON | MAP_FIXED), ENOMEM);
    EXPECT_ERRNO("mmap MAP_FIXED across the user top",
                 sys_mmap(USER_TOP - PG, 2 * PG, RW, ANON | MAP_FIXED), ENOMEM);
    EXPECT_ERRNO("mmap MAP_FIXED_NOREPLACE over a mapping",
                 sys_mmap(a + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE), EEXIST);
    EXPECT_ERRNO("mmap MAP_FIXED_NOREPLACE overlapping the end",
                 sys_mmap(a + 3 * PG, 2 * PG, RW, ANON | MAP_FIXED_NOREPLACE), EEXIST);
    EXPECT_ERRNO("mmap MAP_FIXED_NOREPLACE unaligned",
                 sys_mmap(a + 1, PG, RW, ANON | MAP_FIXED_NOREPLACE), EINVAL);

    EXPECT_ERRNO("munmap length 0", syscall(SYS_munmap, a, 0), EINVAL);
    EXPECT_ERRNO("munmap unaligned", syscall(SYS_munmap, a + 1, PG), EINVAL);
    EXPECT_ERRNO("munmap beyond the user half", syscall(SYS_munmap, 1ul << 47, PG), EINVAL);
    EXPECT_ERRNO("munmap across the user top", syscall(SYS_munmap, USER_TOP - PG, 2 * PG), EINVAL);

    EXPECT_ERRNO("mprotect unaligned", syscall(SYS_mprotect, a + 1, PG, PROT_READ), EINVAL);
    EXPECT_ERRNO("mprotect length 0", syscall(SYS_mprotect, a, 0, PROT_READ), 0);
    EXPECT_ERRNO("mprotect unknown prot bit", syscall(SYS_mprotect, a, PG, 0x10), EINVAL);
    EXPECT_ERRNO("mprotect beyond the user half", syscall(SYS_mprotect, 1ul << 47, PG, PROT_READ), ENOMEM);

    EXPECT_ERRNO("madvise unaligned", syscall(SYS_madvise, a + 1, PG, MADV_DONTNEED), EINVAL);
    EXPECT_ERRNO("madvise length 0", syscall(SYS_madvise, a, 0, MADV_DONTNEED), 0);
    EXPECT_ERRNO("madvise unknown advice", syscall(SYS_madvise, a, PG, 12345), EINVAL);

    /* Punch a hole: calls spanning it fail with ENOMEM, or succeed (munmap). */
    EXPECT_ERRNO("munmap a middle page", syscall(SYS_munmap, a + PG, PG), 0);
    EXPECT_ERRNO("munmap the hole again", syscall(SYS_munmap, a + PG, PG), 0);
    EXPECT_ERRNO("mprotect the hole", syscall(SYS_mprotect, a + PG, PG, PROT_READ), ENOMEM);
    EXPECT_ERRNO("mprotect across the hole", syscall(SYS_mprotect, a, 3 * PG, PROT_READ), ENOMEM);
    EXPECT_ERRNO("madvise across the hole", syscall(SYS_madvise, a, 3 * PG, MADV_DONTNEED), ENOMEM);
    EXPECT_ERRNO("munmap across the hole", syscall(SYS_munmap, a, 4 * PG), 0);
}

static void touch_read(void *p)
{
    printf("read %d\n", *(volatile char *)p);
}

static void touch_write(void *p)
{
    *(volatile char *)p = 1;
}

static void mapping_behaviour(void)
{
    /* Demand-zero pages, and a hint that is free is honoured. */
    char *m = map_pages(8);
    int zero = 1;
    for (unsigned long i = 0; i < 8 * PG; i += 512)
        zero &= m[i] == 0;
    CHECK(zero);
    EXPECT_ERRNO("munmap 8 pages", munmap(m, 8 * PG), 0);
    long hinted = sys_mmap((unsigned long)m + PG, PG, RW, ANON);
    printf("free hint honoured: %s\n", hinted == (long)(m + PG) ? "yes" : "no");
    CHECK(hinted == (long)(m + PG));
    munmap((void *)hinted, PG);

    /* MAP_FIXED over the middle of a mapping replaces just those pages. */
    m = map_pages(3);
    memset(m, 'a', 3 * PG);
    long fixed = sys_mmap((unsigned long)m + PG, PG, RW, ANON | MAP_FIXED);
    CHECK(fixed == (long)(m + PG));
    printf("MAP_FIXED over the middle: %c %d %c\n", m[0], m[PG], m[2 * PG]);
    CHECK(m[0] == 'a' && m[PG] == 0 && m[2 * PG] == 'a');

    /* MAP_FIXED across the replaced page and the one after it. */
    fixed = sys_mmap((unsigned long)m + PG, 2 * PG, RW, ANON | MAP_FIXED);
    CHECK(fixed == (long)(m + PG));
    printf("MAP_FIXED across mappings: %c %d %d\n", m[0], m[PG], m[2 * PG]);
    CHECK(m[0] == 'a' && m[2 * PG] == 0);

    /* munmap in the middle splits the mapping; the hole faults. */
    m[2 * PG] = 'c';
    EXPECT_ERRNO("munmap the middle", munmap(m + PG, PG), 0);
    ut_expect_killed("read in the hole", touch_read, m + PG, SIGSEGV);
    CHECK(m[0] == 'a' && m[2 * PG] == 'c');
    munmap(m, 3 * PG);
    ut_expect_killed("read after munmap", touch_read, m, SIGSEGV);

    /* PROT_NONE faults; mprotect makes it usable and keeps its data. */
    long none = sys_mmap(0, 2 * PG, PROT_NONE, ANON);
    CHECK(none != -1);
    char *n = (char *)none;
    ut_expect_killed("read PROT_NONE", touch_read, n, SIGSEGV);
    ut_expect_killed("write PROT_NONE", touch_write, n, SIGSEGV);
    EXPECT_ERRNO("mprotect PROT_NONE to read-write", mprotect(n, 2 * PG, RW), 0);
    n[0] = 'x';
    EXPECT_ERRNO("mprotect back to PROT_NONE", mprotect(n, PG, PROT_NONE), 0);
    ut_expect_killed("read after mprotect PROT_NONE", touch_read, n, SIGSEGV);
    EXPECT_ERRNO("mprotect read-only", mprotect(n, 2 * PG, PROT_READ), 0);
    printf("data kept across PROT_NONE: %c\n", n[0]);
    CHECK(n[0] == 'x');
    ut_expect_killed("write read-only", touch_write, n + PG, SIGSEGV);
    CHECK(n[PG] == 0);
    munmap(n, 2 * PG);

    /* Code is not writable. */
    ut_expect_killed("write to the program's code", touch_write, (void *)touch_write, SIGSEGV);

    /* MADV_DONTNEED drops private pages: they read back as zero. */
    m = map_pages(4);
    memset(m, 'd', 4 * PG);
    EXPECT_ERRNO("madvise MADV_DONTNEED", madvise(m + PG, 2 * PG, MADV_DONTNEED), 0);
    printf("after MADV_DONTNEED: %c %d %d %c\n", m[0], m[PG], m[2 * PG + 7], m[3 * PG]);
    CHECK(m[0] == 'd' && m[PG] == 0 && m[2 * PG + 7] == 0 && m[3 * PG] == 'd');
    munmap(m, 4 * PG);

    /* MAP_POPULATE and MAP_NORESERVE are accepted; a large reservation costs
     * nothing until it is touched. */
    long pop = sys_mmap(0, 16 * PG, RW, ANON | MAP_POPULATE);
    CHECK(pop != -1 && ((char *)pop)[5 * PG] == 0);
    munmap((void *)pop, 16 * PG);
    long big = sys_mmap(0, 1ul << 34, RW, ANON | MAP_NORESERVE);
    printf("16 GiB MAP_NORESERVE: %s\n", big == -1 ? ut_errname(errno) : "ok");
    CHECK(big != -1);
    if (big != -1) {
        ((char *)big)[(1ul << 34) - 1] = 1;
        munmap((void *)big, 1ul << 34);
    }
}

int main(void)
{
    ut_start();
    argument_errors();
    mapping_behaviour();
    return ut_finish("test_mmap");
}
