/*
 * Reclaim of PTE tables that hold no data (mm/pt_ref.h, R7 to R9): the
 * lazy policy keeps an emptied table on the idle list and a refault takes
 * it back without allocating; the reclaim takes it only after the delay;
 * zero-only tables are reclaimed under both policies and read zeros after;
 * a fault that comes in during a reclaim keeps its table; reclaim racing
 * zaps and refaults on other CPUs; and the pressure path, which reclaims
 * before an allocation gives up.
 */
#include "arch/x86_64/mmu.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/as_mman.h"
#include "mm/user_page.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define P PAGE_SIZE
#define MB (1ul << 20)
#define GB (1ul << 30)
#define HIGH 0x8000000000ul /* 512 GiB: its own PML4 entry */
#define RW (PROT_READ | PROT_WRITE)
#define READ_FAULT PF_U
#define WRITE_FAULT (PF_U | PF_W)
#define DELAY 1000

static const enum pt_strategy strategies[] = {PTFREE_RCU, PTFREE_IPI, PTFREE_OFF};
#define STRATEGIES (sizeof(strategies) / sizeof(strategies[0]))

static struct address_space *as_lazy(enum pt_strategy s)
{
    struct address_space *as = as_with(s);
    if (as)
        as->ptreclaim = PTRECLAIM_LAZY;
    return as;
}

/* The leaf table of 'va' (no reference: the test alone uses 'as'). */
static struct page *leaf_of(struct address_space *as, uint64_t va)
{
    struct page *pt = as_root_table(as);
    for (int level = PT_LEVELS; level > 1 && pt; level--) {
        pte_t e = pte_read(pt_slot(pt, va));
        pt = pte_present(e) ? phys_to_page(pte_phys(e)) : NULL;
    }
    return pt;
}

static uint64_t pte_tables_allocated(void)
{
    struct pt_stats s;
    pt_get_stats(&s);
    return s.allocated[0];
}

/* Reads one byte at 'va'; true if it is 0. */
static bool reads_zero(struct address_space *as, uint64_t va)
{
    uint8_t byte = 0xff;
    return as_access(as, va, &byte, 1, false, false) == 1 && byte == 0;
}

KTEST(pt_lazy_keeps_an_emptied_table_and_a_refault_takes_it_back)
{
    for (unsigned i = 0; i < STRATEGIES; i++) {
        uint64_t before = frames_now();
        struct address_space *as = as_lazy(strategies[i]);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, 4 * MB, RW, 0) == 0);
        KEXPECT(as_fault(as, HIGH, WRITE_FAULT) == 0 && as->pt_pages == 3);
        struct page *table = leaf_of(as, HIGH);
        KEXPECT(as->idle.count == 0 && as_audit(as) == 0);
        for (int round = 0; round < 4; round++) {
            KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
            KEXPECT(as->pt_pages == 3 && leaf_of(as, HIGH) == table && table->pt_idle);
            KEXPECT(as->idle.count == 1 && as_audit(as) == 0);
            uint64_t allocated = pte_tables_allocated();
            KEXPECT(as_fault(as, HIGH + round * P, WRITE_FAULT) == 0);
            KEXPECT(pte_tables_allocated() == allocated && leaf_of(as, HIGH) == table);
            KEXPECT(!table->pt_idle && as->idle.count == 0 && as_audit(as) == 0);
        }
        KEXPECT(as_munmap(as, HIGH, 4 * MB) == 0 && as_audit(as) == 0);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

KTEST(pt_lazy_reclaims_only_after_the_delay)
{
    for (unsigned i = 0; i < STRATEGIES; i++) {
        uint64_t before = frames_now();
        struct address_space *as = as_lazy(strategies[i]);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, 2 * MB, RW, 0) == 0);
        KEXPECT(as_fault(as, HIGH, WRITE_FAULT) == 0);
        KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
        struct page *table = leaf_of(as, HIGH);
        KASSERT(table && table->pt_idle);
        uint32_t listed = table->pt_idle_ms;
        KEXPECT(pt_reclaim_as(as, listed + DELAY - 1, DELAY) == 0);
        KEXPECT(as->pt_pages == 3 && table->pt_idle && as_audit(as) == 0);
        /* under ptfree=off the PMD and PUD tables keep their keep reference */
        uint64_t want = strategies[i] == PTFREE_OFF ? 1 : 3;
        KEXPECT(pt_reclaim_as(as, listed + DELAY, DELAY) == want);
        KEXPECT(as->pt_pages == 3 - want && as->idle.count == 0 && as_audit(as) == 0);
        KEXPECT(reads_zero(as, HIGH + 5 * P) && as->pt_pages == 3);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

KTEST(pt_zero_only_tables_are_reclaimed_under_both_policies)
{
    for (int lazy = 0; lazy < 2; lazy++) {
        uint64_t before = frames_now();
        struct address_space *as = lazy ? as_lazy(PTFREE_RCU) : as_with(PTFREE_RCU);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, GB, RW, 0) == 0);
        for (uint64_t va = HIGH; va < HIGH + 64 * MB; va += 2 * MB)
            KEXPECT(as_fault(as, va + (va >> 9) % (2 * MB), READ_FAULT) == 0);
        KEXPECT(as_fault(as, HIGH + 40 * MB, WRITE_FAULT) == 0); /* data: stays */
        KEXPECT(as->pt_pages == 34 && as->idle.count == 31 && as_audit(as) == 0);
        KEXPECT(pt_reclaim_as(as, (uint32_t)(time_monotonic_ns() / 1000000), 0) == 31);
        KEXPECT(as->pt_pages == 3 && as->idle.count == 0 && as_audit(as) == 0);
        KEXPECT(leaf_of(as, HIGH + 40 * MB) != NULL && as->rss_pages == 1);
        for (uint64_t va = HIGH; va < HIGH + 64 * MB; va += 2 * MB)
            KEXPECT(reads_zero(as, va + 3 * P));
        KEXPECT(as->pt_pages == 34 && as_audit(as) == 0);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

/* A fault during a reclaim: between two chunks of the reclaim's walk of a
 * zero-only table, with the table unlocked, a fault fills a slot the walk
 * has passed (a page, or the zero page). */
static uint64_t refault_va;
static bool refault_write;
static int refaults;

static void refault_between_chunks(struct address_space *as, uint64_t next_va)
{
    if (refaults++ || next_va <= refault_va)
        return;
    struct page *replaced = NULL;
    ZAP(z);
    struct vma *vma = vma_find(&as->vmas, refault_va); /* the reclaim holds the map lock */
    KEXPECT(vma && fault_in_locked(as, vma, refault_va, refault_write, &replaced, NULL, &z) == 0);
    KEXPECT(!replaced && z.pt.count == 0);
}

KTEST(pt_reclaim_keeps_a_table_a_fault_refills_meanwhile)
{
    for (int write = 0; write < 2; write++) {
        uint64_t before = frames_now();
        struct address_space *as = as_lazy(PTFREE_RCU);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, 2 * MB, RW, 0) == 0);
        for (int j = 0; j < 3 * PT_CHUNK; j++)
            KEXPECT(as_fault(as, HIGH + (uint64_t)j * P, READ_FAULT) == 0);
        struct page *table = leaf_of(as, HIGH);
        KEXPECT(table->pt_idle && table->pt_zero == 3 * PT_CHUNK);
        refault_va = HIGH + P;
        refault_write = write;
        refaults = 0;
        pt_chunk_hook = refault_between_chunks;
        KEXPECT(pt_reclaim_as(as, (uint32_t)(time_monotonic_ns() / 1000000), 0) == 0);
        pt_chunk_hook = NULL;
        KEXPECT(refaults > 0 && leaf_of(as, HIGH) == table && as->pt_pages == 3);
        /* a page: the walk stopped at it, the table is off the list; the
         * zero page: the walk emptied the rest, the table stays listed */
        KEXPECT(write ? !table->pt_idle && table->pt_entries > 1
                      : table->pt_idle && table->pt_entries == 1);
        KEXPECT(upt_lookup(as, refault_va) != 0 && as->rss_pages == (uint64_t)write);
        KEXPECT(as_audit(as) == 0 && reads_zero(as, refault_va));
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

/* Reclaim against zaps and refaults on the other CPUs, for RACE_MS, under
 * each policy and strategy: under eager reclaim a zap that empties a
 * zero-only table puts it while the reclaim may hold it. */
#define RACE_MS 400

struct race {
    struct address_space *as;
    int stop, done, errors;
};

static void zap_and_refault(void *arg)
{
    struct race *r = arg;
    uint64_t base = HIGH + (uint64_t)this_cpu_id() * 8 * MB;
    for (unsigned n = 0; !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE); n++) {
        uint64_t va = base + (n * 7 % 1024) * 8 * P;
        bool ok = as_fault(r->as, va, n % 3 ? READ_FAULT : WRITE_FAULT) == 0;
        if (n % 5 == 0)
            ok &= as_madvise(r->as, base, 8 * MB, MADV_DONTNEED) == 0;
        if (!ok)
            __atomic_add_fetch(&r->errors, 1, __ATOMIC_RELAXED);
    }
    __atomic_add_fetch(&r->done, 1, __ATOMIC_RELEASE);
}

KTEST(pt_reclaim_races_zaps_and_refaults)
{
    uint64_t unlinked = 0;
    for (unsigned i = 0; i < 2 * STRATEGIES; i++) {
        uint64_t before = frames_now();
        struct address_space *as = as_with(strategies[i % STRATEGIES]);
        KASSERT(as);
        if (i >= STRATEGIES)
            as->ptreclaim = PTRECLAIM_LAZY;
        KASSERT(as_map_anon(as, HIGH, 8 * MB * MAX_CPUS, RW, 0) == 0);
        struct race r = {.as = as};
        struct thread *threads[MAX_CPUS] = {0};
        for (int cpu = 1; cpu < cpu_count; cpu++)
            threads[cpu] = thread_create_on(cpu, "pt-zapper", zap_and_refault, &r);
        uint64_t end = time_monotonic_ns() + RACE_MS * 1000000;
        while (time_monotonic_ns() < end)
            unlinked += pt_reclaim_as(as, (uint32_t)(time_monotonic_ns() / 1000000), 0);
        __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
        for (int cpu = 1; cpu < cpu_count; cpu++)
            if (threads[cpu])
                thread_join(threads[cpu]);
        KEXPECT(r.errors == 0 && r.done == cpu_count - 1);
        KEXPECT(as_audit(as) == 0);
        pt_reclaim_as(as, (uint32_t)(time_monotonic_ns() / 1000000), 0);
        KEXPECT(as->idle.count == 0 && as_audit(as) == 0);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
    KEXPECT(cpu_count == 1 || unlinked > 0);
}

KTEST(pt_pressure_reclaims_zero_only_tables_before_giving_up)
{
    uint64_t before = frames_now();
    struct address_space *reader = as_with(PTFREE_RCU), *writer = as_with(PTFREE_RCU);
    KASSERT(reader && writer);
    KASSERT(as_map_anon(reader, HIGH, 4 * GB, RW, 0) == 0);
    KASSERT(as_map_anon(writer, HIGH, 2 * MB, RW, 0) == 0);
    for (uint64_t va = HIGH; va < HIGH + GB; va += 2 * MB)
        KEXPECT(as_fault(reader, va, READ_FAULT) == 0);
    KEXPECT(reader->pt_pages == 514 && reader->idle.count == 512);
    struct held *held = hold_all_but(0);
    /* the writer needs a PMD, a PTE table and a page: only reclaim has them */
    KEXPECT(as_fault(writer, HIGH, WRITE_FAULT) == 0);
    KEXPECT(reader->pt_pages < 514 && reader->idle.count == 0);
    release_held(held);
    KEXPECT(as_audit(reader) == 0 && as_audit(writer) == 0);
    KEXPECT(reads_zero(reader, HIGH + 100 * MB) && reads_zero(writer, HIGH + P));
    as_put(reader);
    as_put(writer);
    KEXPECT(frames_now() == before);
}
