/*
 * MAP_POPULATE and MADV_POPULATE_WRITE of more memory than the machine has
 * go through the out-of-memory killer like faults do: the child that asks
 * holds the most memory, so it dies of SIGKILL, and its memory comes back.
 * It must not live on with memory full (where every other process's small
 * allocations fail). Afterwards this process still writes and forks.
 * Not run on the host: it would populate twice the host's memory.
 */
/* prune-test: prune-only */
/* prune-test: deterministic-output */
#include "ut.h"
#include "proc_time.h"

#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static unsigned long twice_memory;

static void map_populate(void *arg)
{
    (void)arg;
    char *p = mmap(NULL, twice_memory, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
    printf("mmap(MAP_POPULATE) of twice the memory returned %s\n",
           p == MAP_FAILED ? ut_errname(errno) : "a mapping");
}

static void madvise_populate(void *arg)
{
    (void)arg;
    char *p = mmap(NULL, twice_memory, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    int r = madvise(p, twice_memory, MADV_POPULATE_WRITE);
    printf("madvise(MADV_POPULATE_WRITE) of twice the memory returned %d (%s)\n", r,
           r ? ut_errname(errno) : "no error");
}

static void small_child(void *arg)
{
    (void)arg;
    char *p = malloc(1 << 20);
    memset(p, 'x', 1 << 20);
}

int main(void)
{
    ut_start();
    long total_kb = proc_kb("/proc/meminfo", "MemTotal");
    long free_before = proc_kb("/proc/meminfo", "MemFree");
    twice_memory = (unsigned long)total_kb * 2048;
    ut_expect_killed("a child populating with MAP_POPULATE", map_populate, NULL, SIGKILL);
    ut_expect_killed("a child populating with MADV_POPULATE_WRITE", madvise_populate, NULL,
                     SIGKILL);
    long free_after = proc_kb("/proc/meminfo", "MemFree");
    int back = free_after >= free_before - total_kb / 100;
    printf("memory returned: %s\n", back ? "yes" : "no");
    printf("# MemFree %ld kB before, %ld kB after\n", free_before, free_after);
    CHECK(back);
    int status = ut_run_child(small_child, NULL);
    printf("a new child afterwards: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return ut_finish("test_oom_populate");
}
