/*
 * The lockless walkers (mm/gup_fast.h): the same answers as the locked
 * paths on random sparse address spaces (after mprotect, MADV_DONTNEED and
 * fork), and no use-after-free, no audit error and no foreign page while
 * other CPUs zap, unmap and refault the same ranges, under every free
 * strategy, with the address space loaded on the walking CPU or not.
 */
#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/as_mman.h"
#include "mm/frame.h"
#include "mm/gup_fast.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define P PAGE_SIZE
#define MB (1ul << 20)
#define GB (1ul << 30)
#define RW (PROT_READ | PROT_WRITE)
#define ANON_FIXED (MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS)

static const enum pt_strategy strategies[] = {PTFREE_RCU, PTFREE_IPI, PTFREE_OFF};
#define STRATEGIES (sizeof(strategies) / sizeof(strategies[0]))

/* Sparse regions: two leaf tables; across a 1 GiB boundary (two PMD
 * tables, two PUD entries); its own PML4 entry. */
static const struct {
    uint64_t start, len;
} regions[] = {
    {0x400000ul, 4 * MB},
    {GB - 2 * MB, 4 * MB},
    {0x7f0000000000ul, 2 * MB},
};
#define REGIONS (sizeof(regions) / sizeof(regions[0]))
#define MAX_PAGES (4 * MB / P)

/* xorshift64: reproducible random numbers, one state per user. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* The word a writer leaves at the start of the page of 'va': the page's
 * number in the low three bytes, a generation (never 0) in the top one. A
 * page holds 0 or a word with its own page number, whoever wrote it last. */
static uint32_t tag(uint64_t va, uint32_t gen)
{
    return (uint32_t)((va >> 12) & 0xffffff) | ((gen % 255 + 1) << 24);
}

/*
 * True if 'word', read from the page of 'va', can have been written there.
 * Copies through as_access() are memcpy()s, not atomic: a reader racing a
 * writer on a fresh page may see some bytes of the new word and zeros for
 * the others (0x47b0037d written, 0x47b00300 read). So each page-number
 * byte must be the page's own or 0. A word from another page is still
 * caught unless each byte where the page numbers differ is 0 in it.
 */
static bool word_fits(uint64_t va, uint32_t word)
{
    uint32_t own = (uint32_t)(va >> 12);
    for (int byte = 0; byte < 3; byte++) {
        uint32_t b = (word >> (8 * byte)) & 0xff;
        if (b != 0 && b != ((own >> (8 * byte)) & 0xff))
            return false;
    }
    return true;
}

/* ---- Same answers as the locked paths ---- */

/* What the test did to each page of one region. */
struct page_model {
    bool has_page;   /* mapped (present or PROT_NONE) */
    bool cow;        /* shared with the forked child: read-only entry */
    uint32_t prot;   /* PROT_* of its region now */
    uint32_t word;   /* its first word */
};

static struct page_model model[MAX_PAGES];

static void write_word(struct address_space *as, uint64_t va, uint32_t word, struct page_model *m)
{
    KEXPECT(as_access(as, va, &word, sizeof(word), true, false) == sizeof(word));
    m->has_page = true;
    m->cow = false;
    m->word = word;
}

/* Builds a random state in region r of 'as' (mapped RW) and its model. */
static void scramble(struct address_space *as, uint64_t start, size_t pages, uint64_t *rnd)
{
    for (size_t i = 0; i < pages; i++) {
        model[i] = (struct page_model){.prot = RW};
        if (next_random(rnd) % 3 == 0)
            write_word(as, start + i * P, tag(start + i * P, (uint32_t)i), &model[i]);
    }
    for (int k = 0; k < 4; k++) {
        size_t first = next_random(rnd) % pages, n = 1 + next_random(rnd) % 64;
        if (n > pages - first)
            n = pages - first;
        uint32_t prot = k % 2 ? PROT_READ : PROT_NONE;
        KEXPECT(as_mprotect(as, start + first * P, n * P, prot) == 0);
        for (size_t i = first; i < first + n; i++)
            model[i].prot = prot;
    }
    /* one whole leaf table (its tables go, by the strategy) and a few pages */
    for (int k = 0; k < 3; k++) {
        size_t first = k ? next_random(rnd) % pages : 0, n = k ? 1 + next_random(rnd) % 32 : 512;
        if (n > pages - first)
            n = pages - first;
        KEXPECT(as_madvise(as, start + first * P, n * P, MADV_DONTNEED) == 0);
        for (size_t i = first; i < first + n; i++)
            model[i].has_page = false;
    }
}

/* Checks every walker against the model and the locked mincore. */
static void check_region(struct address_space *as, uint64_t start, size_t pages)
{
    static uint8_t fast[MAX_PAGES], locked[MAX_PAGES];
    static struct page *pinned[MAX_PAGES];
    KEXPECT(gup_fast_present(as, start, pages, fast) == pages);
    gup_fast_enabled = false;
    KEXPECT(gup_fast_present(as, start, pages, locked) == 0);
    KEXPECT(as_mincore(as, start, pages, locked) == pages);
    gup_fast_enabled = true;
    KEXPECT(memcmp(fast, locked, pages) == 0);
    size_t readable_prefix = pages;
    for (size_t i = 0; i < pages; i++) {
        uint64_t va = start + i * P;
        struct page_model *m = &model[i];
        bool readable = m->has_page && m->prot != PROT_NONE;
        bool writable = readable && m->prot == RW && !m->cow;
        if (!readable && readable_prefix == pages)
            readable_prefix = i;
        KEXPECT(fast[i] == m->has_page);
        struct page *page;
        size_t got = gup_fast_pin(as, va, 1, false, &page);
        KEXPECT(got == readable);
        if (got) {
            KEXPECT(*(uint32_t *)page_to_virt(page) == m->word);
            gup_fast_unpin(as, va, page);
        }
        got = gup_fast_pin(as, va, 1, true, &page);
        KEXPECT(got == writable);
        if (got)
            gup_fast_unpin(as, va, page);
        uint32_t word = ~0u;
        KEXPECT(gup_fast_read_u32(as, va, &word) == readable);
        KEXPECT(!readable || word == m->word);
    }
    size_t got = gup_fast_pin(as, start, pages, false, pinned);
    KEXPECT(got == readable_prefix);
    for (size_t i = 0; i < got; i++)
        gup_fast_unpin(as, start + i * P, pinned[i]);
}

KTEST(gup_fast_matches_locked_walk_on_sparse_spaces)
{
    uint64_t rnd = 0x9e3779b97f4a7c15ul;
    for (unsigned s = 0; s < STRATEGIES; s++) {
        uint64_t before = frames_now();
        struct address_space *as = as_with(strategies[s]);
        KASSERT(as);
        for (unsigned r = 0; r < REGIONS; r++) {
            uint64_t start = regions[r].start;
            size_t pages = regions[r].len / P;
            KEXPECT(as_mmap(as, start, regions[r].len, RW, ANON_FIXED, false, 0) == (long)start);
            scramble(as, start, pages, &rnd);
            check_region(as, start, pages);
            /* fork: every page becomes copy-on-write; then the parent
             * writes some of its writable pages again */
            struct address_space *child = as_fork(as);
            KASSERT(child);
            for (size_t i = 0; i < pages; i++) {
                model[i].cow = model[i].has_page;
                if (model[i].prot == RW && next_random(&rnd) % 4 == 0)
                    write_word(as, start + i * P, tag(start + i * P, 7), &model[i]);
            }
            check_region(as, start, pages);
            as_put(child);
            KEXPECT(as_audit(as) == 0);
        }
        /* beyond user space: nothing to answer */
        uint8_t vec[1];
        struct page *page;
        KEXPECT(gup_fast_present(as, USER_TOP, 1, vec) == 0);
        KEXPECT(gup_fast_pin(as, USER_TOP - P, 2, false, &page) == 0);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

/* ---- Walking while other CPUs zap ---- */

/* The stressed ranges: four leaf tables under one PMD table, and a range
 * across a 1 GiB boundary (two PUD entries). */
#define R1 0x8000000000ul
#define R1_LEN (8 * MB)
#define R2 (3 * GB - 2 * MB)
#define R2_LEN (4 * MB)

struct stress {
    struct address_space *as;
    uint64_t deadline;  /* time_monotonic_ns */
    int stop;           /* atomic: the mutators stop */
    int errors;         /* atomic: foreign words seen */
    uint64_t walks, pinned, mutations; /* atomic */
};

/* A random page of the stressed ranges. */
static uint64_t random_va(uint64_t *rnd)
{
    uint64_t n = next_random(rnd) % ((R1_LEN + R2_LEN) / P);
    return n < R1_LEN / P ? R1 + n * P : R2 + (n - R1_LEN / P) * P;
}

/* Loads / unloads 'as' on this CPU for the calling kernel thread (the
 * scheduler then switches it like a user thread's). */
static void adopt(struct address_space *as)
{
    uint64_t irq = irq_save();
    struct thread *self = current_thread();
    as_switch(self->as, as);
    self->as = as;
    irq_restore(irq);
}

static void check_word(struct stress *st, uint64_t va, uint32_t word)
{
    if (!word_fits(va, word))
        __atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
}

/* Faults, writes, zaps, unmaps and remaps pages of the ranges until told
 * to stop. The first one keeps the address space loaded on its CPU. */
static void mutate(void *arg)
{
    struct stress *st = arg;
    uint64_t rnd = 0x2545f4914f6cdd1dul * (uint64_t)(this_cpu_id() + 1);
    bool loads = this_cpu_id() == 1 % cpu_count;
    if (loads)
        adopt(st->as);
    for (uint32_t gen = 1; !__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE); gen++) {
        uint64_t va = random_va(&rnd), op = next_random(&rnd) % 16;
        uint64_t span = (1 + next_random(&rnd) % 256) * P;
        if (op < 9) {
            uint32_t word = tag(va, gen);
            as_access(st->as, va, &word, sizeof(word), true, false);
        } else if (op < 13) {
            as_madvise(st->as, va, span, MADV_DONTNEED);
        } else if (op < 14) {
            uint64_t table = ALIGN_DOWN(va, 2 * MB);
            as_madvise(st->as, table, 2 * MB, MADV_DONTNEED);
        } else if (op < 15) {
            uint64_t table = ALIGN_DOWN(va, 2 * MB);
            as_mmap(st->as, table, 2 * MB, RW, ANON_FIXED, false, 0);
        } else {
            as_mprotect(st->as, va, span, PROT_NONE);
            as_mprotect(st->as, va, span, RW);
        }
        __atomic_add_fetch(&st->mutations, 1, __ATOMIC_RELAXED);
    }
    if (loads)
        adopt(NULL);
}

/* One round of every walker over random pages of the ranges. */
static void walk_once(struct stress *st, uint64_t *rnd, uint32_t gen)
{
    static uint8_t vec[R1_LEN / P];
    struct page *pages[64];
    uint64_t va = random_va(rnd);
    size_t n = 1 + next_random(rnd) % 64;
    if (va < R1 + R1_LEN && va + n * P > R1 + R1_LEN)
        n = (R1 + R1_LEN - va) / P;
    if (va >= R2 && va + n * P > R2 + R2_LEN)
        n = (R2 + R2_LEN - va) / P;
    gup_fast_present(st->as, R1, R1_LEN / P, vec);
    gup_fast_present(st->as, R2, R2_LEN / P, vec);
    size_t got = gup_fast_pin(st->as, va, n, false, pages);
    for (size_t i = 0; i < got; i++) {
        check_word(st, va + i * P, *(volatile uint32_t *)page_to_virt(pages[i]));
        gup_fast_unpin(st->as, va + i * P, pages[i]);
    }
    if (gup_fast_pin(st->as, va, 1, true, pages)) {
        __atomic_store_n((uint32_t *)page_to_virt(pages[0]), tag(va, gen), __ATOMIC_RELAXED);
        gup_fast_unpin(st->as, va, pages[0]);
        got++;
    }
    uint32_t word;
    if (gup_fast_read_u32(st->as, va, &word))
        check_word(st, va, word);
    uint32_t words[2 * P / sizeof(uint32_t)];
    uint64_t at = ALIGN_DOWN(random_va(rnd), 2 * P);
    size_t done = gup_fast_access(st->as, at, words, sizeof(words), false);
    for (size_t off = 0; off < done; off += P)
        check_word(st, at + off, words[off / sizeof(uint32_t)]);
    __atomic_add_fetch(&st->pinned, got, __ATOMIC_RELAXED);
    __atomic_add_fetch(&st->walks, 1, __ATOMIC_RELAXED);
}

/* Walks until the deadline, loading the address space on its own CPU
 * every other half of the time. */
static void walk(void *arg)
{
    struct stress *st = arg;
    uint64_t rnd = 0x8badf00dul * (uint64_t)(this_cpu_id() + 7);
    uint32_t gen = 1;
    bool loaded = false;
    while (time_monotonic_ns() < st->deadline) {
        if ((gen / 64 % 2 == 1) != loaded) {
            loaded = !loaded;
            adopt(loaded ? st->as : NULL);
        }
        walk_once(st, &rnd, gen++);
    }
    if (loaded)
        adopt(NULL);
}

KTEST(gup_fast_while_other_cpus_zap_and_refault)
{
    for (unsigned s = 0; s < STRATEGIES; s++) {
        uint64_t before = frames_now();
        struct stress st = {.as = as_with(strategies[s])};
        KASSERT(st.as);
        KASSERT(as_map_anon(st.as, R1, R1_LEN, RW, 0) == 0);
        KASSERT(as_map_anon(st.as, R2, R2_LEN, RW, 0) == 0);
        st.deadline = time_monotonic_ns() + 1500ul * 1000 * 1000;
        int mutators = cpu_count > 1 ? cpu_count - 1 : 1;
        struct thread *threads[MAX_CPUS];
        for (int i = 0; i < mutators; i++)
            threads[i] = thread_create_on((i + 1) % cpu_count, "gup-mutate", mutate, &st);
        struct thread *walker = thread_create_on(0, "gup-walk", walk, &st);
        KASSERT(walker);
        thread_join(walker);
        __atomic_store_n(&st.stop, 1, __ATOMIC_RELEASE);
        for (int i = 0; i < mutators; i++)
            if (threads[i])
                thread_join(threads[i]);
        KEXPECT(st.errors == 0);
        KEXPECT(st.walks > 0 && st.mutations > 0);
        KEXPECT(as_audit(st.as) == 0);
        printk("# gup_fast stress, ptfree=%s: %lu walks, %lu pages pinned, %lu mutations\n",
               pt_strategy_name(strategies[s]), st.walks, st.pinned, st.mutations);
        as_put(st.as);
        KEXPECT(frames_now() == before);
    }
}
