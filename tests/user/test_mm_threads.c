/*
 * Threads hammering one address space.
 * 1. Four threads share a 32-page region, page by page in turn: two write and
 *    check patterns in their pages while, in the pages between, one thread
 *    replaces its pages (munmap then mmap MAP_FIXED, or mmap MAP_FIXED over
 *    them) and one changes its pages' protection and drops them
 *    (mprotect, madvise(MADV_DONTNEED)). Nobody touches another's pages, so
 *    every pattern must hold: the region map and the page tables are shared,
 *    the pages are not.
 * 2. The racy case, in a child process: one thread unmaps, remaps, protects
 *    and drops pages that another thread touches. The toucher may be killed
 *    by SIGSEGV: the child exits 0 or dies of SIGSEGV, the kernel goes on.
 * 3. fork (up to 100 times in 4 s) while other threads write (copy-on-write
 *    under concurrency) and another maps and unmaps: two writers share pages
 *    (one the even words, one the odd), and fill their words with a round
 *    number, word after word, then check them: a write must never be lost,
 *    as it would be if one writer copied a page while the other still wrote
 *    the old one through a stale TLB entry. The child must see, for each writer and
 *    page, a moment of its work (a prefix of round v, the rest v - 1) that
 *    no longer changes while the parent's writers go on; the child then
 *    writes its own marks, which the parent's writers must never see.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#define PG 4096ul
#define WORDS (PG / sizeof(uint64_t))

static void *map_anon(void *at, size_t len, int prot, int extra)
{
    return mmap(at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
}

/* Fills page with pattern(seed, word) and returns how many words then
 * read back wrong. */
static long fill_and_check(volatile uint64_t *page, uint64_t seed)
{
    for (size_t w = 0; w < WORDS; w++)
        page[w] = seed * 0x9e3779b97f4a7c15ull + w;
    long bad = 0;
    for (size_t w = 0; w < WORDS; w++)
        bad += page[w] != seed * 0x9e3779b97f4a7c15ull + w;
    return bad;
}

/* How many words of page differ from pattern(seed) (seed 0: from zero). */
static long count_bad(volatile uint64_t *page, uint64_t seed)
{
    long bad = 0;
    for (size_t w = 0; w < WORDS; w++)
        bad += page[w] != (seed ? seed * 0x9e3779b97f4a7c15ull + w : 0);
    return bad;
}

/* ---- 1. shared region, disjoint pages ---------------------------------- */

#define REGION_PAGES 32
#define ROLES 4
#define MIN_ROUNDS 10

static char *region;
static atomic_int roles_done;   /* roles that have done MIN_ROUNDS rounds */
static atomic_long role_bad[ROLES];   /* words or calls that went wrong, by role */
static atomic_long role_rounds[ROLES];

static volatile uint64_t *role_page(int role, int k)
{
    return (volatile uint64_t *)(region + (size_t)(k * ROLES + role) * PG);
}

/* Whether role should start round r: every role goes on until all have
 * done MIN_ROUNDS rounds, so they overlap whatever their speeds. */
static int another_round(int role, int r)
{
    if (r == MIN_ROUNDS + 1)
        atomic_fetch_add(&roles_done, 1);
    role_rounds[role] = r - 1;
    return r <= MIN_ROUNDS || atomic_load(&roles_done) < ROLES;
}

/* Roles 0 and 1: write and check patterns in their own pages. */
static void check_pages(int role)
{
    for (int r = 1; another_round(role, r); r++)
        for (int k = 0; k < REGION_PAGES / ROLES; k++)
            role_bad[role] += fill_and_check(role_page(role, k), (uint64_t)(r * 1000 + role * 100 + k));
}

/* Role 2: replaces its pages, by munmap + mmap MAP_FIXED or by mmap
 * MAP_FIXED alone; a new page reads as zeros. */
static void replace_pages(void)
{
    const int role = 2;
    for (int r = 1; another_round(role, r); r++) {
        for (int k = 0; k < REGION_PAGES / ROLES; k++) {
            volatile uint64_t *p = role_page(role, k);
            if (r % 2 && munmap((void *)p, PG) != 0)
                role_bad[role]++;
            if (map_anon((void *)p, PG, PROT_READ | PROT_WRITE, MAP_FIXED) != (void *)p) {
                role_bad[role]++;
                continue;
            }
            role_bad[role] += count_bad(p, 0);
            role_bad[role] += fill_and_check(p, (uint64_t)r);
        }
    }
}

/* Role 3: read-only, then no access, then back (contents kept), then
 * MADV_DONTNEED (zeros). */
static void protect_and_drop_pages(void)
{
    const int role = 3;
    for (int r = 1; another_round(role, r); r++) {
        for (int k = 0; k < REGION_PAGES / ROLES; k++) {
            volatile uint64_t *p = role_page(role, k);
            role_bad[role] += fill_and_check(p, (uint64_t)r + 7);
            role_bad[role] += mprotect((void *)p, PG, PROT_READ) != 0;
            role_bad[role] += count_bad(p, (uint64_t)r + 7);
            role_bad[role] += mprotect((void *)p, PG, PROT_NONE) != 0;
            role_bad[role] += mprotect((void *)p, PG, PROT_READ | PROT_WRITE) != 0;
            role_bad[role] += count_bad(p, (uint64_t)r + 7);
            role_bad[role] += madvise((void *)p, PG, MADV_DONTNEED) != 0;
            role_bad[role] += count_bad(p, 0);
        }
    }
}

static void *role_thread(void *arg)
{
    int role = (int)(intptr_t)arg;
    if (role < 2)
        check_pages(role);
    else if (role == 2)
        replace_pages();
    else
        protect_and_drop_pages();
    return NULL;
}

static void shared_region(void)
{
    region = map_anon(NULL, REGION_PAGES * PG, PROT_READ | PROT_WRITE, 0);
    CHECK(region != MAP_FAILED);
    pthread_t threads[ROLES];
    for (int role = 0; role < ROLES; role++)
        CHECK(pthread_create(&threads[role], NULL, role_thread, (void *)(intptr_t)role) == 0);
    for (int role = 0; role < ROLES; role++)
        pthread_join(threads[role], NULL);
    static const char *const names[ROLES] = {
        "checker 0", "checker 1", "munmap/mmap MAP_FIXED", "mprotect/madvise",
    };
    for (int role = 0; role < ROLES; role++) {
        printf("region: %s: %s\n", names[role], role_bad[role] ? "errors" : "ok");
        printf("# region: %s: %ld rounds, %ld errors\n", names[role],
               (long)role_rounds[role], (long)role_bad[role]);
        CHECK(role_bad[role] == 0);
    }
    munmap(region, REGION_PAGES * PG);
}

/* ---- 2. racy: a thread touching pages another unmaps ------------------- */

#define RACY_PAGES 8
#define RACY_ROUNDS 300
#define RACY_CHILDREN 10

static char *racy;
static atomic_int racy_stop;

static void *racy_toucher(void *arg)
{
    (void)arg;
    while (!atomic_load(&racy_stop))
        for (size_t i = 0; i < RACY_PAGES * PG; i += 512)
            ((volatile char *)racy)[i]++;
    return NULL;
}

/* In a child: the main thread remaps, protects and drops what the toucher
 * touches. Exits 0 if the toucher was lucky. */
static void racy_child(void *arg)
{
    (void)arg;
    racy = map_anon(NULL, RACY_PAGES * PG, PROT_READ | PROT_WRITE, 0);
    pthread_t toucher;
    if (racy == MAP_FAILED || pthread_create(&toucher, NULL, racy_toucher, NULL) != 0)
        _exit(2);
    for (int r = 0; r < RACY_ROUNDS; r++) {
        char *p = racy + (size_t)(r % RACY_PAGES) * PG;
        switch (r % 4) {
        case 0:
            munmap(p, PG);
            map_anon(p, PG, PROT_READ | PROT_WRITE, MAP_FIXED);
            break;
        case 1:
            mprotect(racy, RACY_PAGES * PG, PROT_READ);
            mprotect(racy, RACY_PAGES * PG, PROT_READ | PROT_WRITE);
            break;
        case 2:
            madvise(racy, RACY_PAGES * PG, MADV_DONTNEED);
            break;
        default:
            map_anon(racy, RACY_PAGES * PG, PROT_READ | PROT_WRITE, MAP_FIXED);
            break;
        }
    }
    atomic_store(&racy_stop, 1);
    pthread_join(toucher, NULL);
}

static void racy_children(void)
{
    int exited = 0, segv = 0;
    for (int i = 0; i < RACY_CHILDREN; i++) {
        int status = ut_run_child(racy_child, NULL);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            exited++;
        else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
            segv++;
        else
            printf("racy child %d: %s\n", i, ut_status_text(status));
    }
    printf("racy: every child exited 0 or died of SIGSEGV: %s\n",
           exited + segv == RACY_CHILDREN ? "yes" : "no");
    printf("# racy: %d exited 0, %d killed by SIGSEGV\n", exited, segv);
    CHECK(exited + segv == RACY_CHILDREN);
}

/* ---- 3. fork while threads write --------------------------------------- */

#define WRITERS 2
#define WRITER_PAGES 4
#define FORKS 100        /* at most, and at least MIN_FORKS, in FORK_MS */
#define MIN_FORKS 10
#define FORK_MS 4000
#define CHILD_MARK 0xc41d000000000000ull

/* The writers share these pages: writer t owns the words w with
 * w % WRITERS == t, so two threads write each page at once. */
static volatile uint64_t *shared_pages;
static atomic_int writers_stop;
static atomic_long writer_bad, writer_rounds;

/* Round v = 1, 2...: writes v in each of its words, page after page, then
 * checks them. */
static void *writer(void *arg)
{
    size_t t = (size_t)(intptr_t)arg;
    for (uint64_t v = 1; !atomic_load(&writers_stop); v++) {
        for (size_t p = 0; p < WRITER_PAGES; p++) {
            volatile uint64_t *page = shared_pages + p * WORDS;
            for (size_t w = t; w < WORDS; w += WRITERS)
                page[w] = v;
            for (size_t w = t; w < WORDS; w += WRITERS)
                if (page[w] != v)
                    writer_bad++;
        }
        writer_rounds++;
    }
    return NULL;
}

/* Maps, touches and unmaps scratch memory, changing the region map under
 * the forks. */
static void *mapper(void *arg)
{
    (void)arg;
    while (!atomic_load(&writers_stop)) {
        char *p = map_anon(NULL, 4 * PG, PROT_READ | PROT_WRITE, 0);
        if (p == MAP_FAILED) {
            writer_bad++;
            continue;
        }
        p[0] = p[3 * PG] = 1;
        munmap(p, 4 * PG);
    }
    return NULL;
}

/* Whether writer t's words of page hold a moment of its work: v for a
 * prefix, v - 1 after (or all one value). */
static int page_is_a_moment(const volatile uint64_t *page, size_t t)
{
    size_t w = t;
    uint64_t first = page[t];
    while (w < WORDS && page[w] == first)
        w += WRITERS;
    if (w >= WORDS)
        return 1;
    uint64_t rest = page[w];
    if (rest + 1 != first)
        return 0;
    while (w < WORDS && page[w] == rest)
        w += WRITERS;
    return w >= WORDS;
}

/* In the child: checks the snapshot, checks it stays, writes marks.
 * Only raw memory and _exit: the other threads of the parent are gone. */
static void check_snapshot(void)
{
    static uint64_t copy[WRITER_PAGES * WORDS];
    const size_t n = WRITER_PAGES * WORDS;
    int bad = 0;
    for (size_t p = 0; p < WRITER_PAGES; p++)
        for (size_t t = 0; t < WRITERS; t++)
            bad |= !page_is_a_moment(shared_pages + p * WORDS, t);
    for (size_t i = 0; i < n; i++)
        copy[i] = shared_pages[i];
    struct timespec ts = { 0, 2 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    for (size_t i = 0; i < n; i++)
        bad |= (copy[i] != shared_pages[i]) << 1;
    for (size_t i = 0; i < n; i++)
        shared_pages[i] = CHILD_MARK + i;
    for (size_t i = 0; i < n; i++)
        bad |= (shared_pages[i] != CHILD_MARK + i) << 2;
    _exit(bad);
}

static void fork_while_writing(void)
{
    shared_pages = map_anon(NULL, WRITER_PAGES * PG, PROT_READ | PROT_WRITE, 0);
    CHECK(shared_pages != MAP_FAILED);
    pthread_t threads[WRITERS + 1];
    for (int t = 0; t < WRITERS; t++)
        CHECK(pthread_create(&threads[t], NULL, writer, (void *)(intptr_t)t) == 0);
    CHECK(pthread_create(&threads[WRITERS], NULL, mapper, NULL) == 0);
    int forks = 0, children_ok = 0, snapshot_moment = 1, snapshot_stable = 1, own_copy = 1;
    long start = now_ms();
    for (int f = 0; f < FORKS && (f < MIN_FORKS || now_ms() - start < FORK_MS); f++) {
        forks++;
        pause_ms(1);
        pid_t pid = fork();
        if (pid == 0)
            check_snapshot();
        int status = -1;
        if (pid < 0 || wait4(pid, &status, 0, NULL) != pid) {
            printf("FAIL fork %d: %s\n", f, ut_errname(errno));
            ut_failures++;
            continue;
        }
        if (WIFEXITED(status)) {
            int bad = WEXITSTATUS(status);
            children_ok += bad == 0;
            snapshot_moment &= !(bad & 1);
            snapshot_stable &= !(bad & 2);
            own_copy &= !(bad & 4);
        } else {
            printf("fork %d: child %s\n", f, ut_status_text(status));
        }
    }
    atomic_store(&writers_stop, 1);
    for (int t = 0; t <= WRITERS; t++)
        pthread_join(threads[t], NULL);
    printf("fork: every child exited 0: %s\n", children_ok == forks ? "yes" : "no");
    printf("fork: each child page is a moment of its writer: %s\n", snapshot_moment ? "yes" : "no");
    printf("fork: the child's pages do not change after fork: %s\n", snapshot_stable ? "yes" : "no");
    printf("fork: the child's writes stay in the child: %s\n", own_copy ? "yes" : "no");
    printf("fork: the parent's writers never lost a write nor saw another's: %s\n",
           writer_bad == 0 ? "yes" : "no");
    printf("# fork: %d forks, %ld writer rounds\n", forks, (long)writer_rounds);
    CHECK(children_ok == forks);
    CHECK(writer_bad == 0);
}

int main(void)
{
    ut_start();
    shared_region();
    racy_children();
    fork_while_writing();
    return ut_finish("test_mm_threads");
}
