/*
 * Faults racing MADV_DONTNEED: two threads write one byte in every page of
 * a shared 64 MiB range, PASSES times each (the second starts half-way),
 * while two others MADV_DONTNEED its 2 MiB chunks, DROPS times each (one the
 * even chunks, one the odd, round and round). Every DONTNEED may empty a
 * table the writers are refilling: on prune this is the free-versus-refill
 * race of page-table reclaim. The work is fixed (so the times compare across
 * kernels); prints the mean time of one write (a fault or not) and of one
 * 2 MiB DONTNEED, the wall time of the whole, and VmPTE and PageTables
 * before, and after a last DONTNEED of the whole range.
 */
#include "bench.h"

#include <pthread.h>
#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define SPAN (64ul << 20)
#define CHUNKS (SPAN / TWO_MIB)
#define PAGES (SPAN / 4096)
#define PASSES 2
#define DROPS 1024

static char *area;
static pthread_barrier_t start;
static uint64_t writer_ns[2], dropper_ns[2];

static void *writer(void *arg)
{
    long w = (long)arg;
    pthread_barrier_wait(&start);
    struct bench_time t = bench_now();
    for (int pass = 0; pass < PASSES; pass++)
        for (uint64_t i = 0; i < PAGES; i++)
            ((volatile char *)area)[(i + w * PAGES / 2) % PAGES * 4096] = 1;
    writer_ns[w] = bench_since(t).ns;
    return NULL;
}

static void *dropper(void *arg)
{
    long d = (long)arg;
    pthread_barrier_wait(&start);
    struct bench_time t = bench_now();
    for (uint64_t i = 0, c = d; i < DROPS; i++, c = (c + 2) % CHUNKS)
        madvise(area + c * TWO_MIB, TWO_MIB, MADV_DONTNEED);
    dropper_ns[d] = bench_since(t).ns;
    return NULL;
}

int main(void)
{
    bench_start();
    area = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        printf("# threads_race: cannot map 64 MiB\n");
        return 1;
    }
    bench_print_tables("race", "before");
    pthread_t tid[4];
    pthread_barrier_init(&start, NULL, 5);
    for (long i = 0; i < 2; i++)
        if (pthread_create(&tid[i], NULL, writer, (void *)i) != 0 ||
            pthread_create(&tid[2 + i], NULL, dropper, (void *)i) != 0) {
            printf("# threads_race: pthread_create failed\n");
            return 1;
        }
    pthread_barrier_wait(&start);
    struct bench_time t = bench_now();
    for (int i = 0; i < 4; i++)
        pthread_join(tid[i], NULL);
    uint64_t wall = bench_since(t).ns;
    madvise(area, SPAN, MADV_DONTNEED);
    bench_print_tables("race", "after");
    munmap(area, SPAN);
    bench_print("race_write_time", (writer_ns[0] + writer_ns[1]) / (2 * PASSES * PAGES), "ns");
    bench_print("race_dontneed_2m_time", (dropper_ns[0] + dropper_ns[1]) / (2 * DROPS), "ns");
    bench_print("race_wall_time", wall, "ns");
    return 0;
}
