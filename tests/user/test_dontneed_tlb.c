/*
 * Nested zaps: when a call that removes or weakens a page's mapping returns,
 * no CPU may still reach the page through a stale TLB entry, even when
 * another thread's call removed the mapping first and has not finished its
 * TLB shootdown (the call then finds nothing to remove: it must flush all
 * the same, as Linux does since commit 99baac21e458). One page, two threads:
 * a dropper repeats the call on the page in a loop, while the checker, in
 * each round, writes a value (its CPU's TLB now maps the page), makes the
 * call itself, and checks what the page holds once the call has returned:
 *   private   MADV_DONTNEED on private memory: must read 0;
 *   shared    MADV_REMOVE on shared memory (the dropper: MADV_DONTNEED):
 *             must read 0;
 *   remap     mmap(MAP_FIXED) of fresh memory over the page: must read 0;
 *   mprotect  mprotect(PROT_READ) (the dropper: the same), then a write:
 *             must kill with SIGSEGV. The rounds run in child processes
 *             (one per SIGSEGV), which publish in shared memory how far
 *             they got.
 * Needs two CPUs for the race to show. Bounded by time: each kind runs
 * RUN_MS (argv[1] overrides it, in ms: longer soak runs); argv[2..] picks
 * the kinds. Round counts are "# " notes.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: 10000 */
/* prune-test: cmdlines: ptfree=rcu | ptfree=ipi */
#include "ut.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#define PG 4096ul
#define RUN_MS 700
#define MAX_SHOWN 3

enum kind { PRIVATE, SHARED, REMAP, MPROTECT, KINDS };
static const char *const kind_names[KINDS] = { "private", "shared", "remap", "mprotect" };

static volatile uint64_t *page;
static atomic_int stop;

/* Replaces the page by fresh private memory at the same address. */
static void remap_page(void)
{
    void *p = mmap((void *)page, PG, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p != (void *)page) {
        printf("FAIL mmap(MAP_FIXED): %s\n", ut_errname(errno));
        exit(1);
    }
}

/* The dropper thread: the call of 'kind' on the page, in a loop. */
static void *dropper(void *arg)
{
    enum kind kind = (enum kind)(intptr_t)arg;
    while (!atomic_load(&stop)) {
        if (kind == REMAP)
            remap_page();
        else if (kind == MPROTECT)
            mprotect((void *)page, PG, PROT_READ);
        else
            madvise((void *)page, PG, MADV_DONTNEED);
    }
    return NULL;
}

/* Starts the dropper for 'kind'. */
static pthread_t start_dropper(enum kind kind)
{
    atomic_store(&stop, 0);
    pthread_t t;
    if (pthread_create(&t, NULL, dropper, (void *)(intptr_t)kind)) {
        printf("FAIL pthread_create\n");
        exit(1);
    }
    return t;
}

static void stop_dropper(pthread_t t)
{
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
}

/* private, shared, remap: rounds of write, call, read; returns the stale
 * reads (a value written before the call, read after it returned). */
static long run_drop(enum kind kind, long run_ms, long *rounds)
{
    int flags = (kind == SHARED ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
    page = mmap(NULL, PG, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (page == MAP_FAILED) {
        printf("FAIL mmap: %s\n", ut_errname(errno));
        exit(1);
    }
    pthread_t t = start_dropper(kind);
    long stale = 0, n = 0, t0 = now_ms();
    while (now_ms() - t0 < run_ms) {
        uint64_t v = (uint64_t)n + 1;
        page[0] = v;
        if (kind == REMAP)
            remap_page();
        else
            madvise((void *)page, PG, kind == SHARED ? MADV_REMOVE : MADV_DONTNEED);
        uint64_t r = page[0];
        if (r != 0 && stale++ < MAX_SHOWN)
            printf("%s: after the call returned the page still reads %lu\n", kind_names[kind],
                   (unsigned long)r);
        n++;
    }
    stop_dropper(t);
    munmap((void *)page, PG);
    *rounds = n;
    return stale;
}

/* What mprotect rounds share with the parent (the child dies in one). */
struct mprotect_rounds {
    atomic_int step;  /* where the round under way got to: enum step */
    atomic_long done; /* rounds that ended in SIGSEGV after mprotect */
    atomic_long stale; /* writes that went through after mprotect returned */
};
enum step { STARTED, PROTECTED };

/* Rounds in a child until 'end_ms': make the page writable, write (the
 * TLB entry is now writable), mprotect(PROT_READ), write: SIGSEGV
 * expected. A round whose first write faults (the dropper protected the
 * page first) does not count. */
static void mprotect_child(struct mprotect_rounds *r, long end_ms)
{
    page = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    start_dropper(MPROTECT);
    while (now_ms() < end_ms) {
        atomic_store(&r->step, STARTED);
        mprotect((void *)page, PG, PROT_READ | PROT_WRITE);
        page[0] = 1;
        mprotect((void *)page, PG, PROT_READ);
        atomic_store(&r->step, PROTECTED);
        page[0] = 2;
        if (atomic_fetch_add(&r->stale, 1) < MAX_SHOWN)
            printf("mprotect: a write after mprotect(PROT_READ) returned went through\n");
    }
    _exit(0);
}

/* mprotect: children doing rounds until the time is up; returns the writes
 * that went through after mprotect(PROT_READ) returned. */
static long run_mprotect(long run_ms, long *rounds)
{
    struct mprotect_rounds *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) {
        printf("FAIL mmap: %s\n", ut_errname(errno));
        exit(1);
    }
    long end_ms = now_ms() + run_ms;
    while (now_ms() < end_ms) {
        pid_t pid = fork();
        if (pid < 0) {
            printf("FAIL fork: %s\n", ut_errname(errno));
            exit(1);
        }
        if (pid == 0)
            mprotect_child(r, end_ms);
        int status;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
            r->done += atomic_load(&r->step) == PROTECTED;
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("FAIL mprotect child: %s\n", ut_status_text(status));
            exit(1);
        }
    }
    *rounds = r->done + r->stale;
    long stale = r->stale;
    munmap(r, sizeof(*r));
    return stale;
}

int main(int argc, char **argv)
{
    ut_start();
    long run_ms = argc > 1 ? atol(argv[1]) : RUN_MS;
    for (int k = 0; k < KINDS; k++) {
        bool picked = argc <= 2;
        for (int i = 2; i < argc; i++)
            picked |= strcmp(argv[i], kind_names[k]) == 0;
        if (!picked)
            continue;
        long rounds;
        long stale = k == MPROTECT ? run_mprotect(run_ms, &rounds)
                                   : run_drop((enum kind)k, run_ms, &rounds);
        printf("# %s: %ld rounds, %ld stale\n", kind_names[k], rounds, stale);
        printf("%s: %s\n", kind_names[k], stale ? "stale accesses" : "no stale access");
        CHECK(stale == 0);
    }
    return ut_finish("test_dontneed_tlb");
}
