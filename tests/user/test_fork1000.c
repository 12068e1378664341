/*
 * 1000 sequential fork + exit + wait4 cycles, each child with its own exit
 * status. MemFree from /proc/meminfo before and after is printed as a "# "
 * note. On prune it must not move at all (checked there only: Linux's figure
 * moves on its own). The first cycles and a first read of /proc/meminfo
 * come before the "before" figure: the parent's own copy-on-write copies
 * (pages written after the first fork) and stdio buffers (malloc'd on the
 * first read) are its memory, not a leak. prune's leak check (the
 * leakcheck boot of tools/user-test.sh) also verifies the kernel's side.
 */
/* prune-test: deterministic-output */
#include <sys/utsname.h>

#include "ut.h"

#define CYCLES 1000
#define WARM_UP 10

/* True when running on prune rather than Linux. */
static int on_prune(void)
{
    struct utsname u;
    return uname(&u) == 0 && strcmp(u.sysname, "prune") == 0;
}

/* MemFree once the kernel's deferred frees are done: under ptfree=rcu a
 * freed page table reaches the allocator a grace period (a few ticks) after
 * the exit that freed it. */
static long settled_mem_free(void)
{
    pause_ms(100);
    return proc_kb("/proc/meminfo", "MemFree");
}

int main(void)
{
    ut_start();
    long free_before = 0;
    int wrong = 0;
    for (int i = 0; i < WARM_UP + CYCLES; i++) {
        if (i == 0)
            (void)proc_kb("/proc/meminfo", "MemFree");
        if (i == WARM_UP)
            free_before = settled_mem_free();
        pid_t pid = fork();
        if (pid == 0)
            _exit(i & 0x7f);
        if (pid < 0) {
            printf("FAIL fork %d: %s\n", i, ut_errname(errno));
            wrong++;
            break;
        }
        int status = 0;
        if (wait4(pid, &status, 0, NULL) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != (i & 0x7f))
            wrong++;
    }
    long free_after = settled_mem_free();
    printf("%d fork+exit cycles, %d wrong\n", WARM_UP + CYCLES, wrong);
    printf("# MemFree %ld kB before, %ld kB after\n", free_before, free_after);
    CHECK(wrong == 0);
    CHECK(free_before > 0 && free_after > 0);
    if (on_prune())
        CHECK(free_after == free_before);
    EXPECT_ERRNO("wait4 with no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return ut_finish("test_fork1000");
}
