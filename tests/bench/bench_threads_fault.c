/*
 * Four threads of one process fault disjoint ranges at once: each writes one
 * byte in every page of its own 64 MiB quarter of a 256 MiB mapping (16,384
 * faults each), starting together at a barrier; then the main thread
 * MADV_DONTNEEDs the whole mapping; RUNS times. The faults contend only on
 * what the kernel shares per process (the map lock, the top-level table).
 * Prints the median wall time per fault (wall time of a run / 65,536) and
 * per fault as one thread sees it (the mean of the threads' own times).
 */
#include "bench.h"

#include <pthread.h>
#include <sys/mman.h>

#define THREADS 4
#define SPAN (256ul << 20)
#define SLICE (SPAN / THREADS)
#define PAGES (SPAN / 4096)
#define RUNS 3

static char *area;
static pthread_barrier_t start;
static uint64_t thread_ns[THREADS];

static void *faulter(void *arg)
{
    long i = (long)arg;
    pthread_barrier_wait(&start);
    struct bench_time t = bench_now();
    bench_touch(area + i * SLICE, SLICE);
    thread_ns[i] = bench_since(t).ns;
    return NULL;
}

int main(void)
{
    bench_start();
    area = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        printf("# threads_fault: cannot map 256 MiB\n");
        return 1;
    }
    bench_print_tables("threads_fault", "before");
    uint64_t wall_ns[RUNS], own_ns[RUNS];
    for (int r = 0; r < RUNS; r++) {
        pthread_t tid[THREADS];
        pthread_barrier_init(&start, NULL, THREADS + 1);
        for (long i = 0; i < THREADS; i++)
            if (pthread_create(&tid[i], NULL, faulter, (void *)i) != 0) {
                printf("# threads_fault: pthread_create failed\n");
                return 1;
            }
        pthread_barrier_wait(&start);
        struct bench_time t = bench_now();
        for (int i = 0; i < THREADS; i++)
            pthread_join(tid[i], NULL);
        wall_ns[r] = bench_since(t).ns / PAGES;
        pthread_barrier_destroy(&start);
        uint64_t sum = 0;
        for (int i = 0; i < THREADS; i++)
            sum += thread_ns[i];
        own_ns[r] = sum / PAGES;
        if (r == RUNS - 1)
            bench_print_tables("threads_fault", "populated");
        madvise(area, SPAN, MADV_DONTNEED);
    }
    bench_print_tables("threads_fault", "after");
    munmap(area, SPAN);
    bench_print("threads_fault_wall_time", bench_median(wall_ns, RUNS), "ns");
    bench_print("threads_fault_thread_time", bench_median(own_ns, RUNS), "ns");
    return 0;
}
