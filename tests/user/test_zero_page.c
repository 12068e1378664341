/*
 * The shared zero page: reading private anonymous memory never written
 * costs no resident memory and reads zeros; a write after the read gets a
 * private copy (its neighbours still read zeros); mincore reports the read
 * pages in memory; a fork after the reads sees zeros and writes its own
 * copies; process_vm_readv reads zeros from another process's untouched
 * pages and process_vm_writev into them lands there alone; MADV_DONTNEED
 * and mprotect keep it all right. Same answers on Linux (its zero page).
 */
/* prune-test: deterministic-output */
/* prune-test: cmdlines: ptreclaim=eager ptaudit | ptreclaim=lazy ptaudit */
#include "ut.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/uio.h>

#define PG 4096ul
/* 16 MiB: enough to tell "no RSS" from "one frame per page", and small
 * enough for the ptaudit boots, which audit every table after each fault. */
#define AREA (16ul << 20)
#define PAGES (AREA / PG)

/* True if every page of [p, p + len) reads 0 at the offsets probed. */
static int all_zero(const volatile char *p, size_t len)
{
    for (size_t off = 0; off < len; off += PG)
        if (p[off] || p[off + PG - 1] || p[off + (off / PG * 8) % PG])
            return 0;
    return 1;
}

/* Steps of the parent and the child, in MAP_SHARED memory (no pipes). */
static atomic_int *step;

static void wait_step(int n)
{
    while (atomic_load(step) < n)
        sched_yield();
}

static void write_byte_at(int pid, char *where, char value)
{
    struct iovec local = {&value, 1}, remote = {where, 1};
    CHECK(process_vm_writev(pid, &local, 1, &remote, 1, 0) == 1);
}

int main(void)
{
    ut_start();
    /* mincore counts pages read in memory (the entries are present); a
     * small area of its own, read just before, so that no reclaim of idle
     * tables (ptreclaim=lazy) can come in between */
    char *small = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(small != MAP_FAILED && all_zero(small, 8 * PG));
    unsigned char vec[8];
    CHECK(mincore(small, sizeof(vec) * PG, vec) == 0);
    printf("mincore after the reads: %d %d %d\n", vec[0], vec[1], vec[7]);
    CHECK(munmap(small, 8 * PG) == 0);

    char *area = mmap(NULL, AREA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    long rss0 = proc_kb("/proc/self/status", "VmRSS");
    int zeros = all_zero(area, AREA);
    long rss1 = proc_kb("/proc/self/status", "VmRSS");
    printf("16 MiB read, all zero: %s\n", zeros ? "yes" : "no");
    printf("VmRSS grew by less than 1 MiB: %s\n", rss1 - rss0 < 1024 ? "yes" : "no");
    printf("# VmRSS %ld -> %ld kB\n", rss0, rss1);
    CHECK(zeros && rss1 - rss0 < 1024);

    /* a write after the read: a private page; the neighbours stay zero */
    area[5 * PG + 100] = 42;
    long rss2 = proc_kb("/proc/self/status", "VmRSS");
    printf("write after read: %d, neighbours zero: %s, VmRSS grew: %s\n", area[5 * PG + 100],
           all_zero(area + 4 * PG, PG) && all_zero(area + 6 * PG, PG) ? "yes" : "no",
           rss2 > rss1 ? "yes" : "no");
    CHECK(area[5 * PG + 100] == 42 && area[5 * PG + 99] == 0 && rss2 > rss1);

    /* fork after the reads: the child sees zeros and its writes are its own */
    step = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(step != MAP_FAILED);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = all_zero(area + 6 * PG, AREA - 6 * PG) && area[5 * PG + 100] == 42;
        area[7 * PG] = 7;
        ok &= area[7 * PG] == 7 && area[7 * PG + 1] == 0;
        atomic_store(step, 1);
        wait_step(2); /* the parent wrote into page 9 */
        ok &= area[9 * PG + 3] == 99 && area[9 * PG + 2] == 0 && area[10 * PG] == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0);
    wait_step(1);
    char seen[2 * PG];
    memset(seen, 1, sizeof(seen));
    struct iovec local = {seen, sizeof(seen)}, remote = {area + 11 * PG, sizeof(seen)};
    ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    int seen_zero = got == (ssize_t)sizeof(seen) && all_zero(seen, sizeof(seen));
    printf("process_vm_readv of the child's untouched pages: zeros: %s\n", seen_zero ? "yes" : "no");
    CHECK(seen_zero);
    write_byte_at(pid, area + 9 * PG + 3, 99);
    atomic_store(step, 2);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("child: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("parent's pages 7 and 9 still zero: %s\n",
           all_zero(area + 7 * PG, PG) && all_zero(area + 9 * PG, PG) ? "yes" : "no");
    CHECK(all_zero(area + 7 * PG, PG) && all_zero(area + 9 * PG, PG));

    /* MADV_DONTNEED, then mprotect around the zero page */
    CHECK(madvise(area, AREA, MADV_DONTNEED) == 0);
    CHECK(mprotect(area, AREA, PROT_READ) == 0);
    int zero_ro = all_zero(area, AREA);
    CHECK(mprotect(area, AREA, PROT_NONE) == 0 && mprotect(area, AREA, PROT_READ | PROT_WRITE) == 0);
    area[3 * PG] = 3;
    printf("after MADV_DONTNEED and mprotect: zeros %s, write %d, neighbour %d\n",
           zero_ro ? "yes" : "no", area[3 * PG], area[4 * PG]);
    CHECK(zero_ro && area[3 * PG] == 3 && area[4 * PG] == 0 && area[5 * PG + 100] == 0);
    CHECK(munmap(area, AREA) == 0);
    return ut_finish("test_zero_page");
}
