/*
 * Out of memory: a child that touches more anonymous memory than the machine
 * has (MemTotal from /proc/meminfo) is killed with SIGKILL and its parent sees
 * it; its frames and page tables come back (MemFree returns to within 1% of
 * where it was) and the parent then runs normally, forks included.
 * Not run on the host, whose memory is far larger than a test machine's.
 */
/* prune-test: prune-only */
/* prune-test: deterministic-output */
#include "ut.h"

#include <sys/mman.h>

#define PG 4096ul

static void touch_everything(void *arg)
{
    unsigned long bytes = *(unsigned long *)arg;
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap of more than MemTotal: %s\n", ut_errname(errno));
        _exit(2);
    }
    for (unsigned long i = 0; i < bytes; i += PG)
        p[i] = 1;
    printf("touched more than MemTotal and was not killed\n");
}

static void small_child(void *arg)
{
    char *p = malloc(1 << 20);
    memset(p, 'x', 1 << 20);
    (void)arg;
}

int main(void)
{
    ut_start();
    long total_kb = proc_kb("/proc/meminfo", "MemTotal");
    long free_before = proc_kb("/proc/meminfo", "MemFree");
    CHECK(total_kb > 0 && free_before > 0);
    unsigned long bytes = (unsigned long)total_kb * 1024 + (64ul << 20);

    for (int round = 1; round <= 2; round++) {
        char what[40];
        snprintf(what, sizeof(what), "child touching MemTotal + 64 MiB (%d)", round);
        ut_expect_killed(what, touch_everything, &bytes, SIGKILL);
        long free_after = proc_kb("/proc/meminfo", "MemFree");
        printf("# MemFree %ld kB before, %ld kB after\n", free_before, free_after);
        int back = free_after >= free_before - total_kb / 100;
        printf("memory returned: %s\n", back ? "yes" : "no");
        CHECK(back);
    }

    char *p = malloc(4 << 20);
    CHECK(p != NULL);
    memset(p, 'y', 4 << 20);
    free(p);
    int status = ut_run_child(small_child, NULL);
    printf("a new child afterwards: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return ut_finish("test_oom");
}
