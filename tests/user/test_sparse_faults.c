/*
 * Page faults from many processes at once, each in its own sparse memory:
 * NPROC processes each map a large region (MAP_NORESERVE) and write one
 * byte every 2 MiB, TOUCHES times, so that every write faults in a zeroed
 * page and a zeroed page table: the frame allocator's zeroed-frame path and
 * its per-CPU caches (mm/frame.c) on every CPU at once. Each process then
 * reads its bytes back and exits 0. make test boots it with 16 CPUs on a
 * 2-core host, where vCPUs holding or waiting for a global allocator lock
 * are descheduled by the host: a design that funnels every fault through
 * one lock collapses there to a few hundred faults a second (and this test
 * to its time-out). The rate and the guest's TSC cycles are "# " notes;
 * nothing about time is asserted.
 * usage: test_sparse_faults [NPROC [TOUCHES [STRIDE_LOG2]]]
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
/* prune-test: smp: 16 */
#include "ut.h"

#include <stdint.h>
#include <sys/mman.h>
#include <x86intrin.h>

#define NPROC 16
#define TOUCHES 1024
#define STRIDE_LOG2 21
#define MAX_PROCS 64

/* One process: touches, then checks, its own sparse region. */
static void toucher(int id, unsigned long touches, int stride_log2)
{
    unsigned long stride = 1ul << stride_log2;
    char *region = mmap(NULL, touches * stride, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED) {
        printf("proc %d: mmap: %s\n", id, ut_errname(errno));
        _exit(2);
    }
    for (unsigned long i = 0; i < touches; i++)
        region[i * stride] = (char)(id + i);
    for (unsigned long i = 0; i < touches; i++)
        if (region[i * stride] != (char)(id + i)) {
            printf("proc %d: touch %lu reads %d\n", id, i, region[i * stride]);
            _exit(1);
        }
    _exit(0);
}

int main(int argc, char **argv)
{
    ut_start();
    int nproc = argc > 1 ? atoi(argv[1]) : NPROC;
    unsigned long touches = argc > 2 ? strtoul(argv[2], NULL, 0) : TOUCHES;
    int stride_log2 = argc > 3 ? atoi(argv[3]) : STRIDE_LOG2;
    if (nproc < 1 || nproc > MAX_PROCS || stride_log2 < 12 || stride_log2 > 30) {
        printf("usage: test_sparse_faults [NPROC (1..%d) [TOUCHES [STRIDE_LOG2]]]\n",
               MAX_PROCS);
        return 2;
    }
    long t0 = now_ms();
    uint64_t c0 = __rdtsc();
    pid_t pids[MAX_PROCS];
    for (int i = 0; i < nproc; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            toucher(i, touches, stride_log2);
        CHECK(pids[i] > 0);
    }
    int ok = 0;
    for (int i = 0; i < nproc; i++) {
        int status;
        if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0)
            ok++;
    }
    uint64_t cycles = __rdtsc() - c0;
    long ms = now_ms() - t0;
    printf("%d of %d processes touched and read back their pages\n", ok, nproc);
    CHECK(ok == nproc);
    unsigned long faults = (unsigned long)nproc * touches;
    printf("# %lu touches in %ld ms (%lu per second), %lu TSC cycles (%lu per touch)\n", faults,
           ms, ms ? faults * 1000 / ms : 0, (unsigned long)cycles,
           (unsigned long)(cycles / faults));
    return ut_finish("test_sparse_faults");
}
