/*
 * Page tables under stress: empty tables are freed (prune: at every level)
 * while other threads and processes walk them.
 *
 * Writers: WRITERS threads of one process, each owning two areas: a slice
 * of a region they share (slices start 1 MiB off a 2 MiB boundary, so the
 * PTE tables at slice ends are shared with the neighbours) and an area of
 * its own alone in a 512 GiB range (emptying it frees its PTE, PMD and PUD
 * tables). On random page ranges of its areas a writer
 *   - fills pages (faults): word 0 and word 511 get value(page, seq),
 *     where seq counts up per page, published before the store;
 *   - drops them with MADV_DONTNEED;
 *   - replaces them: munmap then mmap(MAP_FIXED), or mmap(MAP_FIXED) over;
 *   - protects them: PROT_READ (reads them), PROT_NONE, back to read-write;
 *   - churns its own area: fills one page per PTE table, then drops the
 *     whole area (every table of the area is freed, up to its PUD table).
 * A writer touches only its own pages and only while they are mapped
 * read-write (or read-only, to read): no signal can happen. Its reads are
 * exact: the value it last wrote, or 0 after a drop or a replacement.
 *
 * Walkers, at the same time, on the same ranges: three threads calling
 * mincore (0 or ENOMEM; each byte 0 or 1), one on random ranges, two on
 * whole own areas (the churned tables), a thread reading words through
 * process_vm_readv, a thread calling FUTEX_WAIT with a value no word holds
 * (EAGAIN or EFAULT), a child process reading the writers' pages through
 * process_vm_readv, and short-lived children forked from time to time that
 * read their copy. Every word read must be 0 or a value its page's writer
 * wrote: value(page, s) with 1 <= s <= the seq published for that page,
 * read after the word (the counters live in MAP_SHARED memory), byte by
 * byte (a kernel copy may tear a word being stored).
 *
 * Signals fly meanwhile: a thread sends SIGUSR1 to four random writers or
 * walkers every 0 to 2 ms, and the handler (SA_RESTART) runs in the middle
 * of their faults, zaps, remaps and walks, and uses the FPU.
 *
 * Bounded by time: RUN_MS (argv[1] overrides it, in ms). Figures are "# "
 * notes. Run under ptfree=rcu, ipi and off with 4 CPUs by make test, and
 * for up to 20 s under ptfree=unsafe, where prune must panic with
 * "page-table use-after-free" (tools/user-test.sh).
 */
/* prune-test: deterministic-output */
/* prune-test: cmdlines: ptfree=rcu | ptfree=ipi | ptfree=off | ptreclaim=lazy ptreclaim_delay_ms=20 */
/* prune-test: must-panic: ptfree=unsafe | page-table use-after-free | 20000 */
/* prune-test: soak-args: 20000 */
#include "ut.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#define PG 4096ul
#define WORDS (PG / sizeof(uint64_t))
#define TWO_MIB (2ul << 20)
#define WRITERS 4
#define SLICE_PAGES 2048ul                   /* 8 MiB: 4 PTE tables, 2 shared */
#define OWN_PAGES 1024ul                     /* 4 MiB: 2 PTE tables */
#define AREAS (2 * WRITERS)
#define PAGES (WRITERS * (SLICE_PAGES + OWN_PAGES))
#define SHARED_AT 0x100000000000ul           /* 16 TiB: the shared region */
#define OWN_AT(w) (0x180000000000ul + (uint64_t)(w) * (512ul << 30))
#define RUN_MS 2500
#define MAGIC 0xc0deull
#define MAX_IOV 64
#define SNAPSHOT_MS 200
#define FUTEX_WAIT 0
#define FUTEX_PRIVATE_FLAG 128

enum op { OP_FILL, OP_DONTNEED, OP_REMAP, OP_PROTECT, OP_CHURN, OPS };
static const char *const op_names[OPS] = { "fill", "dontneed", "remap", "protect", "churn" };

struct area {
    char *base;
    uint64_t pages;
    uint32_t first_id; /* page ids first_id .. first_id + pages - 1 */
};

/* Shared with the reading child (MAP_SHARED, mapped before any fork). */
struct shared {
    struct area areas[AREAS];       /* [w]: writer w's slice, [WRITERS + w]: its own */
    _Atomic uint32_t published[PAGES]; /* per page: the last seq its writer stored */
    atomic_int ready, stop;
    atomic_long bad_values, bad_results; /* walkers' failures */
    atomic_long reads, read_faults;      /* process_vm_readv words read / calls failed */
    atomic_long child_reads;
};
static struct shared *sh;

/* A word as its writer stores it: magic, page id, seq. */
static uint64_t value(uint32_t id, uint32_t seq)
{
    return MAGIC << 48 | (uint64_t)id << 32 | seq;
}

/*
 * True if a walker may read 'v' in page 'id': each of its bytes is that
 * byte of 0 or of a value the page's writer stored (seq published, and
 * published before the store). Byte by byte because a read through the
 * kernel (a memcpy) may tear a word its writer is storing: some bytes old,
 * some new. The magic and id bytes must match exactly; byte i of the seq
 * can be that of any seq in [0, published].
 */
static bool value_ok(uint32_t id, uint64_t v)
{
    uint32_t published = atomic_load_explicit(&sh->published[id], memory_order_acquire);
    uint64_t full = value(id, published);
    for (int i = 0; i < 8; i++) {
        unsigned byte = v >> 8 * i & 0xff;
        if (byte == 0)
            continue;
        if (i >= 4 && byte != (full >> 8 * i & 0xff))
            return false;
        uint64_t above = i < 3 ? published >> 8 * (i + 1) : 0;
        if (i < 4 && above == 0 && byte > (published >> 8 * i & 0xff))
            return false;
    }
    return true;
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static uint64_t below(uint64_t *rng, uint64_t n)
{
    return next_random(rng) % n;
}

/* A random range of area a: [*first, *first + *count) in pages, short or
 * long, sometimes the whole area. */
static void pick_range(uint64_t *rng, const struct area *a, uint64_t *first, uint64_t *count)
{
    static const uint64_t longest[] = { 1, 16, 512, 2048 };
    uint64_t r = below(rng, 8);
    if (r == 0) {
        *first = 0;
        *count = a->pages;
        return;
    }
    *first = below(rng, a->pages);
    uint64_t most = longest[r % 4];
    if (most > a->pages - *first)
        most = a->pages - *first;
    *count = 1 + below(rng, most);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* ---- Writers ---------------------------------------------------------- */

struct writer {
    int index;
    uint64_t rng;
    long ops[OPS], pages_written, bad;
};
static struct writer writers[WRITERS];

/* Per page, touched only by the page's writer: the seq the page holds now
 * (0: the page reads 0). */
static uint32_t expect[PAGES];

/* Checks both words of a page against what its writer knows is there. */
static void check_page(struct writer *w, const struct area *a, uint64_t p)
{
    uint32_t id = a->first_id + (uint32_t)p;
    volatile uint64_t *page = (volatile uint64_t *)(a->base + p * PG);
    uint64_t want = expect[id] ? value(id, expect[id]) : 0;
    uint64_t first = page[0], last = page[WORDS - 1];
    if (first != want || last != want) {
        if (w->bad++ < 5)
            printf("FAIL writer %d page %u: read %#llx and %#llx, expected %#llx\n", w->index,
                   id, (unsigned long long)first, (unsigned long long)last,
                   (unsigned long long)want);
    }
}

/* Stores the page's next seq in both words (published first). */
static void fill_page(struct writer *w, const struct area *a, uint64_t p)
{
    uint32_t id = a->first_id + (uint32_t)p;
    check_page(w, a, p);
    uint32_t seq = atomic_load_explicit(&sh->published[id], memory_order_relaxed) + 1;
    atomic_store_explicit(&sh->published[id], seq, memory_order_release);
    volatile uint64_t *page = (volatile uint64_t *)(a->base + p * PG);
    page[0] = value(id, seq);
    page[WORDS - 1] = value(id, seq);
    expect[id] = seq;
    check_page(w, a, p);
    w->pages_written++;
}

static void fill(struct writer *w, const struct area *a, uint64_t first, uint64_t count)
{
    static const uint64_t strides[] = { 1, 3, 64, 256 };
    uint64_t stride = strides[below(&w->rng, 4)];
    for (uint64_t p = first; p < first + count; p += stride)
        fill_page(w, a, p);
}

/* Every page of the range now reads 0; a few are read to check it. */
static void zeroed(struct writer *w, const struct area *a, uint64_t first, uint64_t count)
{
    for (uint64_t p = first; p < first + count; p++)
        expect[a->first_id + p] = 0;
    for (uint64_t p = first; p < first + count; p += 97)
        check_page(w, a, p);
}

static void expect_zero_result(struct writer *w, const char *what, long result)
{
    if (result != 0 && w->bad++ < 5)
        printf("FAIL writer %d: %s: %s\n", w->index, what, ut_errname(errno));
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    const struct area *mine[2] = { &sh->areas[w->index], &sh->areas[WRITERS + w->index] };
    const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    while (!atomic_load(&sh->stop)) {
        const struct area *a = mine[below(&w->rng, 2)];
        uint64_t first, count;
        pick_range(&w->rng, a, &first, &count);
        char *start = a->base + first * PG;
        size_t len = count * PG;
        /* each op once first, so that a slow machine still does every one */
        enum op op = (enum op)below(&w->rng, OPS);
        if (op == OP_DONTNEED && below(&w->rng, 2))
            op = OP_FILL; /* fill more often than anything else */
        for (int o = 0; o < OPS; o++)
            if (w->ops[o] == 0) {
                op = (enum op)o;
                break;
            }
        if (op == OP_CHURN) {
            a = mine[1];
            first = 0;
            count = a->pages;
            start = a->base;
            len = count * PG;
        }
        w->ops[op]++;
        switch (op) {
        case OP_FILL:
            fill(w, a, first, count);
            break;
        case OP_DONTNEED:
            expect_zero_result(w, "madvise", madvise(start, len, MADV_DONTNEED));
            zeroed(w, a, first, count);
            break;
        case OP_REMAP:
            if (below(&w->rng, 2))
                expect_zero_result(w, "munmap", munmap(start, len));
            if (mmap(start, len, rw, anon, -1, 0) != start && w->bad++ < 5)
                printf("FAIL writer %d: mmap MAP_FIXED: %s\n", w->index, ut_errname(errno));
            zeroed(w, a, first, count);
            break;
        case OP_PROTECT:
            expect_zero_result(w, "mprotect", mprotect(start, len, PROT_READ));
            for (uint64_t p = first; p < first + count; p += 7)
                check_page(w, a, p);
            expect_zero_result(w, "mprotect", mprotect(start, len, PROT_NONE));
            sched_yield();
            expect_zero_result(w, "mprotect", mprotect(start, len, rw));
            break;
        case OP_CHURN:
            for (uint64_t p = below(&w->rng, 512); p < count; p += 512)
                fill_page(w, a, p);
            expect_zero_result(w, "madvise", madvise(start, len, MADV_DONTNEED));
            zeroed(w, a, first, count);
            break;
        default:
            break;
        }
    }
    return NULL;
}

/* ---- Walkers ---------------------------------------------------------- */

static void walker_failed(atomic_long *counter, const char *what, long detail)
{
    if (atomic_fetch_add(counter, 1) < 5)
        printf("FAIL %s (%ld)\n", what, detail);
}

/* One process_vm_readv of up to MAX_IOV words of random pages of process
 * pid (whose areas are sh->areas), each word checked. Returns words read. */
static long read_words(pid_t pid, uint64_t *rng)
{
    const struct area *a = &sh->areas[below(rng, AREAS)];
    uint64_t first = below(rng, a->pages);
    uint64_t stride = 1 + below(rng, 16);
    uint64_t words[MAX_IOV];
    uint32_t ids[MAX_IOV];
    struct iovec remote[MAX_IOV];
    int n = 0;
    for (uint64_t p = first; p < a->pages && n < MAX_IOV; p += stride, n++) {
        remote[n].iov_base = a->base + p * PG + (below(rng, 2) ? 0 : PG - 8);
        remote[n].iov_len = 8;
        ids[n] = a->first_id + (uint32_t)p;
    }
    struct iovec local = { words, (size_t)n * 8 };
    long got = syscall(SYS_process_vm_readv, pid, &local, 1, remote, n, 0);
    if (got < 0) {
        atomic_fetch_add(&sh->read_faults, 1);
        if (errno != EFAULT)
            walker_failed(&sh->bad_results, "process_vm_readv error other than EFAULT", errno);
        return 0;
    }
    if (got % 8 || got > n * 8) {
        walker_failed(&sh->bad_results, "process_vm_readv returned a partial word", got);
        return 0;
    }
    for (long i = 0; i < got / 8; i++)
        if (!value_ok(ids[i], words[i]) && atomic_fetch_add(&sh->bad_values, 1) < 5)
            printf("FAIL process %d read %#llx in page %u (at %p) of process %d, whose "
                   "writer published seq %u\n", (int)getpid(), (unsigned long long)words[i],
                   ids[i], remote[i].iov_base, (int)pid, atomic_load(&sh->published[ids[i]]));
    return got / 8;
}

static void *reader_main(void *arg)
{
    uint64_t rng = (uintptr_t)arg;
    while (!atomic_load(&sh->stop))
        atomic_fetch_add(&sh->reads, read_words(getpid(), &rng));
    return NULL;
}

/* arg: a seed; odd seeds take whole own areas, even ones random ranges. */
static void *mincore_main(void *arg)
{
    uint64_t rng = (uintptr_t)arg;
    bool own_areas = rng & 1;
    unsigned char vec[SLICE_PAGES];
    while (!atomic_load(&sh->stop)) {
        const struct area *a = &sh->areas[own_areas ? WRITERS + below(&rng, WRITERS)
                                                    : below(&rng, AREAS)];
        uint64_t first = 0, count = a->pages;
        if (!own_areas)
            pick_range(&rng, a, &first, &count);
        if (mincore(a->base + first * PG, count * PG, vec) != 0) {
            if (errno != ENOMEM)
                walker_failed(&sh->bad_results, "mincore error other than ENOMEM", errno);
            continue;
        }
        for (uint64_t i = 0; i < count; i++)
            if (vec[i] > 1)
                walker_failed(&sh->bad_results, "mincore byte neither 0 nor 1", vec[i]);
    }
    return NULL;
}

static void *futex_main(void *arg)
{
    uint64_t rng = (uintptr_t)arg;
    struct timespec ms = { 0, 1000000 };
    while (!atomic_load(&sh->stop)) {
        const struct area *a = &sh->areas[below(&rng, AREAS)];
        uint32_t *word = (uint32_t *)(a->base + below(&rng, a->pages) * PG);
        int op = FUTEX_WAIT | (below(&rng, 2) ? FUTEX_PRIVATE_FLAG : 0);
        /* no word ever holds 0xffffffff (seqs stay far below) */
        long r = syscall(SYS_futex, word, op, 0xffffffffu, &ms, NULL, 0);
        if (r == 0 || (errno != EAGAIN && errno != EFAULT))
            walker_failed(&sh->bad_results, "FUTEX_WAIT other than EAGAIN or EFAULT",
                          r == 0 ? 0 : errno);
    }
    return NULL;
}

/* The child process: reads its parent's pages until told to stop. */
static void child_reader(pid_t parent)
{
    uint64_t rng = 0x5eed0000c41dull;
    while (!atomic_load(&sh->ready))
        pause_ms(1);
    while (!atomic_load(&sh->stop))
        atomic_fetch_add(&sh->child_reads, read_words(parent, &rng));
}

/* A child forked mid-run: reads its own copy (the writers' pages as they
 * were at the fork) through process_vm_readv; exits 0 if all were right. */
static void snapshot_child(uint64_t seed)
{
    long before = atomic_load(&sh->bad_values) + atomic_load(&sh->bad_results);
    uint64_t rng = seed;
    for (int i = 0; i < 20; i++)
        read_words(getpid(), &rng);
    _exit(atomic_load(&sh->bad_values) + atomic_load(&sh->bad_results) != before);
}

/* ---- Signals flying --------------------------------------------------- */

static atomic_long signals_sent, signals_handled;

static void on_signal(int sig)
{
    volatile double x = sig;
    x = x * 1.5 + 0.25;
    atomic_fetch_add(&signals_handled, 1);
}

struct targets {
    pthread_t *threads;
    int count;
};

/* Until stop: SIGUSR1 to four random threads at a time, 0 to 2 ms apart. */
static void *signaller_main(void *arg)
{
    struct targets *t = arg;
    uint64_t rng = 0x5167a15ull;
    while (!atomic_load(&sh->stop)) {
        struct timespec gap = { 0, (long)below(&rng, 2000000) };
        nanosleep(&gap, NULL);
        for (int i = 0; i < 4; i++)
            if (pthread_kill(t->threads[below(&rng, (uint64_t)t->count)], SIGUSR1) == 0)
                atomic_fetch_add(&signals_sent, 1);
    }
    return NULL;
}

/* ---- Setup and verdict ------------------------------------------------ */

static bool map_areas(void)
{
    const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    /* the slices start 1 MiB into the region: tables shared at their ends */
    size_t region = WRITERS * SLICE_PAGES * PG + TWO_MIB;
    char *r = mmap((void *)SHARED_AT, region, rw, anon, -1, 0);
    if (r != (void *)SHARED_AT)
        return false;
    uint32_t id = 0;
    for (int w = 0; w < WRITERS; w++) {
        sh->areas[w] = (struct area){ r + TWO_MIB / 2 + w * SLICE_PAGES * PG, SLICE_PAGES, id };
        id += SLICE_PAGES;
    }
    for (int w = 0; w < WRITERS; w++) {
        char *own = mmap((void *)OWN_AT(w), OWN_PAGES * PG, rw, anon, -1, 0);
        if (own != (void *)OWN_AT(w))
            return false;
        sh->areas[WRITERS + w] = (struct area){ own, OWN_PAGES, id };
        id += OWN_PAGES;
    }
    return true;
}

int main(int argc, char **argv)
{
    ut_start();
    long run_ms = argc > 1 ? atol(argv[1]) : RUN_MS;
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    if (sh == MAP_FAILED)
        return ut_finish("test_pt_stress");

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);

    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        child_reader(parent);
        _exit(0);
    }
    CHECK(child > 0);
    /* the child may read us (Yama's ptrace_scope 1 lets only ancestors in;
     * EINVAL where Yama is not loaded, which lets it in anyway) */
    prctl(PR_SET_PTRACER, child, 0, 0, 0);

    bool mapped = map_areas();
    printf("areas mapped at their hints: %s\n", mapped ? "yes" : "no");
    CHECK(mapped);
    atomic_store(&sh->ready, 1);

    pthread_t threads[WRITERS + 5], signaller;
    int nthreads = 0;
    for (int w = 0; w < WRITERS && mapped; w++) {
        writers[w].index = w;
        writers[w].rng = 0x9e3779b97f4a7c15ull * (w + 1);
        CHECK(pthread_create(&threads[nthreads++], NULL, writer_main, &writers[w]) == 0);
    }
    if (mapped) {
        CHECK(pthread_create(&threads[nthreads++], NULL, reader_main, (void *)0x2345678ul) == 0);
        CHECK(pthread_create(&threads[nthreads++], NULL, mincore_main, (void *)0x7654320ul) == 0);
        CHECK(pthread_create(&threads[nthreads++], NULL, mincore_main, (void *)0x7654321ul) == 0);
        CHECK(pthread_create(&threads[nthreads++], NULL, mincore_main, (void *)0x1234567ul) == 0);
        CHECK(pthread_create(&threads[nthreads++], NULL, futex_main, (void *)0xabcdeful) == 0);
    }
    struct targets targets = { threads, nthreads };
    bool signalling = mapped && pthread_create(&signaller, NULL, signaller_main, &targets) == 0;
    CHECK(signalling || !mapped);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int snapshots = 0, snapshots_bad = 0;
    while (mapped && ms_since(&t0) < run_ms) {
        pause_ms(SNAPSHOT_MS);
        pid_t pid = fork();
        if (pid == 0)
            snapshot_child(0x51a95407ull + snapshots);
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
            snapshots_bad++;
        snapshots++;
    }
    atomic_store(&sh->stop, 1);
    if (signalling) /* first: it must not signal a thread already joined */
        pthread_join(signaller, NULL);
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    int status = -1;
    waitpid(child, &status, 0);

    long ops[OPS] = { 0 }, written = 0, writer_bad = 0;
    for (int w = 0; w < WRITERS; w++) {
        for (int o = 0; o < OPS; o++)
            ops[o] += writers[w].ops[o];
        written += writers[w].pages_written;
        writer_bad += writers[w].bad;
    }
    printf("writers read exactly what they wrote: %s\n", writer_bad ? "no" : "yes");
    CHECK(writer_bad == 0);
    for (int o = 0; o < OPS; o++) {
        printf("writers did %s: %s\n", op_names[o], ops[o] > 0 ? "yes" : "no");
        CHECK(ops[o] > 0);
    }
    printf("walkers read only 0 or written values: %s\n",
           atomic_load(&sh->bad_values) ? "no" : "yes");
    CHECK(atomic_load(&sh->bad_values) == 0);
    printf("walkers got only the expected errors: %s\n",
           atomic_load(&sh->bad_results) ? "no" : "yes");
    CHECK(atomic_load(&sh->bad_results) == 0);
    printf("reading child: %s\n", ut_status_text(status));
    CHECK(status == 0);
    printf("walkers read words: %s\n",
           atomic_load(&sh->reads) > 0 && atomic_load(&sh->child_reads) > 0 ? "yes" : "no");
    CHECK(atomic_load(&sh->reads) > 0 && atomic_load(&sh->child_reads) > 0);
    printf("snapshot children all right: %s\n", snapshots_bad ? "no" : "yes");
    CHECK(snapshots_bad == 0);
    printf("signal handlers ran: %s\n", atomic_load(&signals_handled) > 0 ? "yes" : "no");
    CHECK(atomic_load(&signals_handled) > 0);
    printf("# signals: %ld sent, %ld handled\n", atomic_load(&signals_sent),
           atomic_load(&signals_handled));
    printf("# %ld ms: ops fill %ld dontneed %ld remap %ld protect %ld churn %ld, %ld pages "
           "written; words read %ld (child %ld), %ld reads faulted; %d snapshots\n",
           ms_since(&t0), ops[OP_FILL], ops[OP_DONTNEED], ops[OP_REMAP], ops[OP_PROTECT],
           ops[OP_CHURN], written, atomic_load(&sh->reads), atomic_load(&sh->child_reads),
           atomic_load(&sh->read_faults), snapshots);
    char line[128];
    FILE *ptstat = fopen("/proc/ptstat", "r");
    while (ptstat && fgets(line, sizeof(line), ptstat))
        printf("# ptstat %s", line);
    if (ptstat)
        fclose(ptstat);
    return ut_finish("test_pt_stress");
}
