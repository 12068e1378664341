/*
 * brk: the break starts at or after the end of the program's data; growing
 * it gives zeroed memory, shrinking it takes the pages away (they fault), and
 * growing again gives fresh zeroes. A request the kernel refuses leaves the
 * break where it was (brk returns the old value, as on Linux).
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <sys/syscall.h>

#define PG 4096ul

extern char _end[]; /* end of .bss, from the linker */

static unsigned long sys_brk(unsigned long addr)
{
    return syscall(SYS_brk, addr);
}

static void touch(void *p)
{
    *(volatile char *)p = 1;
}

int main(void)
{
    ut_start();
    unsigned long start = sys_brk(0);
    printf("initial break after the program's data: %s\n",
           start >= (unsigned long)_end ? "yes" : "no");
    CHECK(start >= (unsigned long)_end);
    CHECK(sys_brk(0) == start);

    unsigned long grown = sys_brk(start + 5 * PG + 123);
    printf("grow by 5 pages and a bit: %s\n", grown == start + 5 * PG + 123 ? "ok" : "refused");
    CHECK(grown == start + 5 * PG + 123);
    char *p = (char *)start;
    int zero = 1;
    for (unsigned long i = 0; i < 5 * PG + 123; i++)
        zero &= p[i] == 0;
    printf("new memory is zero: %s\n", zero ? "yes" : "no");
    CHECK(zero);
    memset(p, 'b', 5 * PG + 123);

    unsigned long shrunk = sys_brk(start + PG);
    CHECK(shrunk == start + PG);
    /* The page holding the break stays: pages wholly above it are gone. */
    unsigned long gone = (start + PG + PG - 1) & ~(PG - 1);
    ut_expect_killed("touch above the shrunk break", touch, (void *)(gone + PG), SIGSEGV);
    printf("memory below the break kept: %s\n", p[0] == 'b' ? "yes" : "no");
    CHECK(p[0] == 'b');

    CHECK(sys_brk(start + 3 * PG) == start + 3 * PG);
    printf("regrown pages are zero: %s\n", *(char *)(gone + PG) == 0 ? "yes" : "no");
    CHECK(*(char *)(gone + PG) == 0);

    unsigned long refused = sys_brk(0x800000000000ul);
    printf("brk beyond the user half: %s\n", refused == start + 3 * PG ? "refused" : "moved");
    CHECK(refused == start + 3 * PG);
    unsigned long below = sys_brk(start - 1000 * PG);
    printf("brk below its start: %s\n", below == start + 3 * PG ? "refused" : "moved");
    CHECK(below == start + 3 * PG);

    CHECK(sys_brk(start) == start);
    return ut_finish("test_brk");
}
