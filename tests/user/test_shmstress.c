/*
 * Shared anonymous memory under concurrency across processes: a region of
 * PAGES pages (MAP_SHARED | MAP_ANONYMOUS) mapped before NPROC processes
 * are forked. Process i owns the pages p with p % NPROC == i: it writes a
 * value to the first and last word of one of them at a time and checks
 * them on the next visit. Meanwhile a second thread in every process drops
 * the whole region with MADV_DONTNEED (most of its operations; the object
 * keeps the pages: data must survive), reads it with mincore, mprotects it read-write again, and
 * forks a child that reads a byte and exits. Process 0 also drops some of
 * its own pages with MADV_REMOVE: they must read back zero, at once and on
 * the next visit; a stale TLB entry left by a concurrent MADV_DONTNEED
 * makes them read the old value (nested zaps, mm/as_internal.h).
 * Bounded by time: RUN_MS (argv[1] overrides it, in ms: longer soak
 * runs); argv[2]: NPROC (up to MAX_PROCS); argv[3]: which of the second
 * thread's operations run (a mask: 1 MADV_DONTNEED, 2 mincore, 4 mprotect,
 * 8 fork; 15 by default). Iteration counts are "# " notes.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: 10000 */
/* prune-test: cmdlines: ptfree=rcu | ptfree=ipi */
#include "ut.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#define PG 4096ul
#define WORDS (PG / sizeof(uint64_t))
#define PAGES 64
#define RUN_MS 2500
#define MAX_PROCS 16
#define REMOVE_EVERY 97 /* process 0: one visit in this many is MADV_REMOVE */
#define MAX_SHOWN 5

enum noise { NOISE_DONTNEED = 1, NOISE_MINCORE = 2, NOISE_MPROTECT = 4, NOISE_FORK = 8 };

static char *region;
static int nproc = 3, noise_mask = 15, me;
static atomic_int stop;
static atomic_long bad;

/* The second thread of each process: random operations on the whole
 * region, mostly MADV_DONTNEED (24 in 32; a fork takes as long as many of
 * the others). */
static void *noise(void *arg)
{
    (void)arg;
    unsigned char vec[PAGES];
    uint64_t x = (uint64_t)me + 77;
    while (noise_mask && !atomic_load(&stop)) {
        x = x * 6364136223846793005ull + 1;
        uint64_t r = (x >> 40) % 32;
        int op = r < 24 ? NOISE_DONTNEED : r < 28 ? NOISE_MINCORE : r < 31 ? NOISE_MPROTECT
                                                                          : NOISE_FORK;
        if (!(noise_mask & op))
            continue;
        if (op == NOISE_DONTNEED) {
            madvise(region, PAGES * PG, MADV_DONTNEED);
        } else if (op == NOISE_MINCORE) {
            if (mincore(region, PAGES * PG, vec))
                atomic_fetch_add(&bad, 1);
        } else if (op == NOISE_MPROTECT) {
            mprotect(region, PAGES * PG, PROT_READ | PROT_WRITE);
        } else {
            pid_t child = fork();
            if (child == 0) {
                volatile char byte = region[0];
                (void)byte;
                _exit(0);
            }
            if (child > 0)
                waitpid(child, NULL, 0);
        }
    }
    return NULL;
}

/* Process 'id': visits its pages until 'run_ms' is over; exits 1 if a page
 * held something else than what it last wrote there. */
static void worker(int id, long run_ms)
{
    me = id;
    pthread_t t;
    if (pthread_create(&t, NULL, noise, NULL)) {
        printf("FAIL pthread_create\n");
        _exit(1);
    }
    uint64_t want[PAGES] = {0};
    long t0 = now_ms(), it = 0;
    while (now_ms() - t0 < run_ms) {
        int i = (int)((it * 7) % (PAGES / nproc)) * nproc + id;
        volatile uint64_t *p = (uint64_t *)(region + i * PG);
        if (p[0] != want[i] || p[WORDS - 1] != want[i]) {
            if (atomic_fetch_add(&bad, 1) < MAX_SHOWN)
                printf("CORRUPT proc %d page %d: %lx %lx, expected %lx\n", id, i,
                       (unsigned long)p[0], (unsigned long)p[WORDS - 1],
                       (unsigned long)want[i]);
            want[i] = p[0];
        }
        if (id == 0 && it % REMOVE_EVERY == 0) {
            madvise((void *)p, PG, MADV_REMOVE);
            want[i] = 0;
            if (p[0] != 0 && atomic_fetch_add(&bad, 1) < MAX_SHOWN)
                printf("STALE proc %d page %d: %lx after MADV_REMOVE returned\n", id, i,
                       (unsigned long)p[0]);
        } else {
            uint64_t v = (uint64_t)(id + 1) << 48 | (uint64_t)i << 32 | (uint64_t)it;
            p[0] = v;
            p[WORDS - 1] = v;
            want[i] = v;
        }
        it++;
    }
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    printf("# proc %d: %ld iterations, %ld bad\n", id, it, atomic_load(&bad));
    _exit(atomic_load(&bad) ? 1 : 0);
}

int main(int argc, char **argv)
{
    ut_start();
    long run_ms = argc > 1 ? atol(argv[1]) : RUN_MS;
    if (argc > 2)
        nproc = atoi(argv[2]);
    if (argc > 3)
        noise_mask = atoi(argv[3]);
    if (nproc < 1 || nproc > MAX_PROCS) {
        printf("usage: test_shmstress [MS [NPROC (1..%d) [NOISE_MASK]]]\n", MAX_PROCS);
        return 2;
    }
    region = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(region != MAP_FAILED);
    if (region == MAP_FAILED)
        return ut_finish("test_shmstress");
    pid_t pids[MAX_PROCS];
    for (int i = 0; i < nproc; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            worker(i, run_ms);
        CHECK(pids[i] > 0);
    }
    for (int i = 0; i < nproc; i++) {
        int status;
        if (pids[i] <= 0 || waitpid(pids[i], &status, 0) != pids[i])
            continue;
        printf("proc %d: %s\n", i, ut_status_text(status));
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    return ut_finish("test_shmstress");
}
