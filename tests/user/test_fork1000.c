/*
 * 1000 sequential fork + exit + wait4 cycles, each child with its own exit
 * status. MemFree from /proc/meminfo before and after is printed as a "# "
 * note (not compared: Linux's figure moves on its own); prune's leak check
 * (the leakcheck boot of tools/user-test.sh) verifies that nothing leaked.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#define CYCLES 1000

int main(void)
{
    ut_start();
    long free_before = ut_proc_kb("/proc/meminfo", "MemFree");
    int wrong = 0;
    for (int i = 0; i < CYCLES; i++) {
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
    long free_after = ut_proc_kb("/proc/meminfo", "MemFree");
    printf("%d fork+exit cycles, %d wrong\n", CYCLES, wrong);
    printf("# MemFree %ld kB before, %ld kB after\n", free_before, free_after);
    CHECK(wrong == 0);
    CHECK(free_before > 0 && free_after > 0);
    EXPECT_ERRNO("wait4 with no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return ut_finish("test_fork1000");
}
