/*
 * MAP_SHARED anonymous memory stays shared across fork: a child's writes are
 * seen by the parent and the parent's by the next child, while a private
 * mapping next to it stays copy-on-write. Also mprotect and MADV_DONTNEED on a
 * shared mapping (the data lives on: DONTNEED only drops this process's view).
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <sys/mman.h>

#define PG 4096
#define NPAGES 4

static char *shared;
static char *private_map;

static void child_writes(void *arg)
{
    char value = *(char *)arg;
    memset(shared, value, NPAGES * PG);
    memset(private_map, value, NPAGES * PG);
}

static void child_checks(void *arg)
{
    char value = *(char *)arg;
    for (int i = 0; i < NPAGES * PG; i++)
        if (shared[i] != value)
            _exit(1);
}

static int all_bytes(const char *p, char value)
{
    for (int i = 0; i < NPAGES * PG; i++)
        if (p[i] != value)
            return 0;
    return 1;
}

int main(void)
{
    ut_start();
    shared = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    private_map = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED && private_map != MAP_FAILED);
    printf("fresh shared memory is zero: %s\n", all_bytes(shared, 0) ? "yes" : "no");
    CHECK(all_bytes(shared, 0));

    for (char round = 'a'; round < 'a' + 4; round++) {
        int status = ut_run_child(child_writes, &round);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        int seen = all_bytes(shared, round);
        int kept = all_bytes(private_map, 0);
        printf("round %c: child's shared writes seen %s, private page untouched %s\n", round,
               seen ? "yes" : "no", kept ? "yes" : "no");
        CHECK(seen && kept);
        char mine = round - 'a' + 'A';
        memset(shared, mine, NPAGES * PG);
        status = ut_run_child(child_checks, &mine);
        printf("round %c: next child sees the parent's writes: %s\n", round,
               WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    EXPECT_ERRNO("mprotect shared read-only", mprotect(shared, NPAGES * PG, PROT_READ), 0);
    char value = 'D';
    ut_expect_killed("child writes read-only shared memory", child_writes, &value, SIGSEGV);
    EXPECT_ERRNO("mprotect shared read-write", mprotect(shared, NPAGES * PG, PROT_READ | PROT_WRITE), 0);
    EXPECT_ERRNO("madvise shared MADV_DONTNEED", madvise(shared, NPAGES * PG, MADV_DONTNEED), 0);
    printf("shared data after MADV_DONTNEED: %c\n", shared[PG]);
    CHECK(shared[PG] == 'D');
    CHECK(munmap(shared, NPAGES * PG) == 0);
    return ut_finish("test_shared");
}
