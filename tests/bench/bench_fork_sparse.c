/*
 * fork of a sparse process, plus the child's exit: the parent has one page
 * touched per 2 MiB across 256 MiB (128 PTE tables, each with one entry),
 * forks, the child exits at once, the parent waits; RUNS times. fork copies
 * the page tables (write-protecting each entry), exit tears the child's
 * down. Prints the median time of fork alone (until it returns in the
 * parent) and of fork + exit + wait, and VmPTE and PageTables before and
 * after.
 */
#include "bench.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define TWO_MIB (2ul << 20)
#define SPAN (256ul << 20)
#define RUNS 41

int main(void)
{
    bench_start();
    char *area = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        printf("# fork_sparse: cannot map 256 MiB\n");
        return 1;
    }
    bench_print_tables("fork", "before");
    for (uint64_t off = 0; off < SPAN; off += TWO_MIB)
        area[off] = 1;
    bench_print_tables("fork", "touched");
    uint64_t fork_ns[RUNS], cycle_ns[RUNS];
    for (int r = 0; r < RUNS; r++) {
        struct bench_time t = bench_now();
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        fork_ns[r] = bench_since(t).ns;
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid) {
            printf("# fork_sparse: fork or waitpid failed\n");
            return 1;
        }
        cycle_ns[r] = bench_since(t).ns;
    }
    bench_print_tables("fork", "after");
    munmap(area, SPAN);
    bench_print("fork_sparse_256m_time", bench_median(fork_ns, RUNS), "ns");
    bench_print("fork_exit_wait_sparse_256m_time", bench_median(cycle_ns, RUNS), "ns");
    return 0;
}
