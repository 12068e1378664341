/*
 * Reference-counted page tables (mm/pt_ref.h): counts exact after every
 * operation (the audit), fork of a sparse space, the cascade of frees up
 * to the PML4, the allocate-and-get race on all CPUs, the refill race, what
 * each free strategy does, and what ptfree=rcu waits for.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/as_mman.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define P PAGE_SIZE
#define MB (1ul << 20)
#define GB (1ul << 30)
#define BASE 0x400000ul
#define HIGH 0x8000000000ul /* 512 GiB: its own PML4 entry */
#define RW (PROT_READ | PROT_WRITE)
#define WRITE_FAULT (PF_U | PF_W)

static const enum pt_strategy strategies[] = {
    PTFREE_RCU, PTFREE_IPI, PTFREE_OFF,
#ifdef DEBUG
    PTFREE_UNSAFE,
#endif
};
#define STRATEGIES (sizeof(strategies) / sizeof(strategies[0]))

static struct pt_stats stats_now(void)
{
    struct pt_stats s;
    pt_get_stats(&s);
    return s;
}

/* Tables freed at levels 1..3 since 'before'. */
static uint64_t freed_since(const struct pt_stats *before)
{
    struct pt_stats now = stats_now();
    uint64_t n = 0;
    for (int i = 0; i < 3; i++)
        n += now.freed[i] - before->freed[i];
    return n;
}

static pte_t root_entry(struct address_space *as, uint64_t va)
{
    return pte_read(pt_slot(as_root_table(as), va));
}

KTEST(pt_counts_exact_after_every_operation)
{
    for (unsigned i = 0; i < STRATEGIES; i++) {
        uint64_t before = frames_now();
        struct address_space *as = as_with(strategies[i]);
        KASSERT(as);
        KEXPECT(as_map_anon(as, BASE, 64 * MB, RW, 0) == 0);
        KEXPECT(as_audit(as) == 0);
        uint64_t pages[] = {BASE, BASE + P, BASE + 2 * MB, BASE + 3 * MB, BASE + 40 * MB};
        for (unsigned j = 0; j < sizeof(pages) / sizeof(pages[0]); j++)
            KEXPECT(as_fault(as, pages[j], WRITE_FAULT) == 0);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(as_mprotect(as, BASE, 4 * MB, PROT_READ) == 0);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(as_mprotect(as, BASE, 4 * MB, PROT_NONE) == 0);
        KEXPECT(as_mprotect(as, BASE, 4 * MB, RW) == 0);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(as_madvise(as, BASE + 2 * MB, 2 * MB, MADV_DONTNEED) == 0);
        KEXPECT(as_audit(as) == 0);
        uint32_t word = 7, back = 0;
        KEXPECT(as_access(as, BASE + 5 * MB, &word, 4, true, false) == 4);
        KEXPECT(as_access(as, BASE + 5 * MB, &back, 4, false, false) == 4 && back == 7);
        KEXPECT(as_audit(as) == 0);
        uint8_t vec[2048];
        KEXPECT(as_mincore(as, BASE, 2048, vec) == 2048 && vec[0] && vec[1] && !vec[2]);
        KEXPECT(as_audit(as) == 0);
        struct address_space *child = as_fork(as);
        KASSERT(child);
        KEXPECT(as_audit(as) == 0 && as_audit(child) == 0);
        KEXPECT(as_fault(child, BASE, WRITE_FAULT) == 0);
        KEXPECT(as_fault(as, BASE + P, WRITE_FAULT) == 0);
        KEXPECT(as_audit(as) == 0 && as_audit(child) == 0);
        as_put(child);
        KEXPECT(as_munmap(as, BASE + 40 * MB, 2 * MB) == 0);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(as_mmap(as, BASE, 2 * MB, RW, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, false,
                        0) == (long)BASE);
        KEXPECT(as_audit(as) == 0);
        as->start_brk = as->brk = BASE + 128 * MB;
        KEXPECT(as_brk(as, BASE + 132 * MB) == BASE + 132 * MB);
        KEXPECT(as_fault(as, BASE + 131 * MB, WRITE_FAULT) == 0);
        KEXPECT(as_brk(as, BASE + 128 * MB) == BASE + 128 * MB);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(as_munmap(as, BASE, 64 * MB) == 0);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(strategies[i] == PTFREE_OFF || as->pt_pages == 0);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

KTEST(pt_fork_of_a_sparse_space_and_teardown)
{
    uint64_t before = frames_now();
    struct address_space *as = as_with(PTFREE_RCU);
    KASSERT(as);
    uint64_t spots[] = {BASE, GB, HIGH, HIGH + 3 * GB, 0x7f0000000000ul};
    for (unsigned i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
        KEXPECT(as_map_anon(as, spots[i], 4 * P, RW, 0) == 0);
        KEXPECT(as_fault(as, spots[i] + 3 * P, WRITE_FAULT) == 0);
    }
    struct address_space *child = as_fork(as);
    KASSERT(child);
    KEXPECT(as_audit(as) == 0 && as_audit(child) == 0);
    KEXPECT(child->pt_pages == as->pt_pages && child->rss_pages == as->rss_pages);
    KEXPECT(as_fault(child, HIGH + 3 * P, WRITE_FAULT) == 0);
    KEXPECT(as_madvise(child, GB, 4 * P, MADV_DONTNEED) == 0);
    KEXPECT(child->pt_pages == as->pt_pages - 2); /* that PT and PD */
    KEXPECT(as_audit(as) == 0 && as_audit(child) == 0);
    as_put(as);
    as_put(child);
    KEXPECT(frames_now() == before);
}

KTEST(pt_cascade_frees_pte_then_pmd_then_pud_table)
{
    struct address_space *as = as_with(PTFREE_RCU);
    KASSERT(as);
    KASSERT(as_map_anon(as, HIGH, 2 * MB, RW, 0) == 0);
    KEXPECT(as_fault(as, HIGH + 5 * P, WRITE_FAULT) == 0);
    KEXPECT(as->pt_pages == 3 && pte_present(root_entry(as, HIGH)));
    pt_drain();
    struct pt_stats before = stats_now();
    KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
    KEXPECT(as->pt_pages == 0 && root_entry(as, HIGH) == 0);
    pt_drain();
    struct pt_stats after = stats_now();
    for (int level = 1; level <= 3; level++)
        KEXPECT(after.freed[level - 1] - before.freed[level - 1] == 1);
    KEXPECT(as_fault(as, HIGH, WRITE_FAULT) == 0); /* the tables come back */
    KEXPECT(as->pt_pages == 3 && as_audit(as) == 0);
    as_put(as);
}

/* The allocate-and-get race: every CPU faults into one empty 2 MiB range. */
struct race {
    struct address_space *as;
    int go, done, errors;
};

static void fault_one_page(void *arg)
{
    struct race *r = arg;
    while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
        cpu_relax();
    uint64_t va = HIGH + (uint64_t)this_cpu_id() * 8 * P;
    if (as_fault(r->as, va, WRITE_FAULT))
        __atomic_add_fetch(&r->errors, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&r->done, 1, __ATOMIC_RELEASE);
}

KTEST(pt_alloc_get_race_installs_one_table)
{
    uint64_t before = frames_now();
    struct address_space *as = as_with(PTFREE_RCU);
    KASSERT(as);
    KASSERT(as_map_anon(as, HIGH, 2 * MB, RW, 0) == 0);
    for (int round = 0; round < 20; round++) {
        struct race r = {.as = as};
        struct thread *threads[MAX_CPUS];
        for (int cpu = 0; cpu < cpu_count; cpu++)
            threads[cpu] = thread_create_on(cpu, "pt-race", fault_one_page, &r);
        __atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
        for (int cpu = 0; cpu < cpu_count; cpu++)
            if (threads[cpu])
                thread_join(threads[cpu]);
        KEXPECT(r.errors == 0 && r.done == cpu_count);
        KEXPECT(as->pt_pages == 3 && as->rss_pages == (uint64_t)cpu_count);
        KEXPECT(as_audit(as) == 0);
        KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
        KEXPECT(as->pt_pages == 0);
    }
    as_put(as);
    KEXPECT(frames_now() == before);
}

/* The refill race: the zap of a table pauses between chunks (with the
 * table unlocked) while a fault refills a slot it has already emptied. */
static uint64_t refill_va;
static int refills;

static void refill_between_chunks(struct address_space *as, uint64_t next_va)
{
    if (refills++ || next_va <= refill_va)
        return;
    struct page *replaced = NULL;
    ZAP(z);
    struct vma *vma = vma_find(&as->vmas, refill_va); /* the zap holds the map lock */
    KEXPECT(vma && fault_in_locked(as, vma, refill_va, true, &replaced, NULL, &z) == 0);
    KEXPECT(!replaced && z.pt.count == 0); /* nothing to finish */
}

KTEST(pt_refill_race_never_frees_a_refilled_table)
{
    for (unsigned i = 0; i < STRATEGIES; i++) {
        struct address_space *as = as_with(strategies[i]);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, 2 * MB, RW, 0) == 0);
        for (int j = 0; j < 3 * PT_CHUNK; j++)
            KEXPECT(as_fault(as, HIGH + (uint64_t)j * P, WRITE_FAULT) == 0);
        refill_va = HIGH + P;
        refills = 0;
        pt_chunk_hook = refill_between_chunks;
        KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
        pt_chunk_hook = NULL;
        KEXPECT(refills > 0);
        KEXPECT(upt_lookup(as, refill_va) != 0 && as->rss_pages == 1);
        KEXPECT(as->pt_pages == 3 && as_audit(as) == 0);
        uint32_t back = 1;
        KEXPECT(as_access(as, refill_va, &back, 4, false, false) == 4 && back == 0);
        as_put(as);
    }
}

KTEST(pt_strategies_free_as_promised)
{
    for (unsigned i = 0; i < STRATEGIES; i++) {
        enum pt_strategy s = strategies[i];
        struct address_space *as = as_with(s);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, GB, RW, 0) == 0);
        KEXPECT(as_fault(as, HIGH, WRITE_FAULT) == 0);
        pt_drain();
        struct pt_stats before = stats_now();
        KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
        struct pt_stats after = stats_now();
        uint64_t freed = freed_since(&before);
        uint64_t ipis = after.reclaim_ipis - before.reclaim_ipis;
        switch (s) {
        case PTFREE_RCU: /* unlinked now, freed after a grace period, no IPI */
            KEXPECT(as->pt_pages == 0 && freed + (after.waiting - before.waiting) == 3);
            KEXPECT(ipis == 0);
            break;
        case PTFREE_IPI: /* one IPI per other CPU (not loaded anywhere), freed at once */
            KEXPECT(as->pt_pages == 0 && freed == 3);
            KEXPECT(ipis == (uint64_t)cpu_count - 1);
            break;
        case PTFREE_OFF: /* kept; munmap of the whole PT and PD range frees those two */
            KEXPECT(as->pt_pages == 3 && freed == 0);
            KEXPECT(as_munmap(as, HIGH, GB) == 0 && as->pt_pages == 1);
            break;
        case PTFREE_UNSAFE: /* freed at unlink */
            KEXPECT(as->pt_pages == 0 && freed == 3 && ipis == 0);
            break;
        }
        pt_drain();
        KEXPECT(freed_since(&before) == (s == PTFREE_OFF ? 2 : 3));
        KEXPECT(as_audit(as) == 0);
        as_put(as);
    }
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

/* True if the leaf table of 'va' counts 'entries' entries, 'zero' of them
 * the zero page (R7), and the audit agrees. */
static bool counts_are(struct address_space *as, uint64_t va, int entries, int zero)
{
    struct page *pt = leaf_of(as, va);
    return pt && pt->pt_entries == entries && pt->pt_zero == zero && as_audit(as) == 0;
}

KTEST(pt_two_counts_follow_every_leaf_change)
{
    for (unsigned i = 0; i < STRATEGIES; i++) {
        uint64_t before = frames_now();
        struct address_space *as = as_with(strategies[i]);
        KASSERT(as);
        KASSERT(as_map_anon(as, HIGH, 4 * MB, RW, 0) == 0);
        for (int j = 0; j < 10; j++)
            KEXPECT(as_fault(as, HIGH + j * P, PF_U) == 0);
        KEXPECT(counts_are(as, HIGH, 10, 10));
        KEXPECT(as_fault(as, HIGH + 3 * P, WRITE_FAULT) == 0); /* a zero entry broken */
        KEXPECT(as_fault(as, HIGH + 20 * P, WRITE_FAULT) == 0); /* an empty slot filled */
        KEXPECT(counts_are(as, HIGH, 11, 9));
        KEXPECT(as_mprotect(as, HIGH, 4 * MB, PROT_NONE) == 0 && counts_are(as, HIGH, 11, 9));
        KEXPECT(as_mprotect(as, HIGH, 4 * MB, RW) == 0 && counts_are(as, HIGH, 11, 9));
        struct address_space *child = as_fork(as);
        KASSERT(child);
        KEXPECT(counts_are(child, HIGH, 11, 9));
        KEXPECT(as_fault(child, HIGH + 4 * P, WRITE_FAULT) == 0 && counts_are(child, HIGH, 11, 8));
        KEXPECT(counts_are(as, HIGH, 11, 9));
        as_put(child);
        KEXPECT(as_madvise(as, HIGH, 5 * P, MADV_DONTNEED) == 0 && counts_are(as, HIGH, 6, 5));
        uint8_t byte = 1;
        KEXPECT(as_access(as, HIGH + 30 * P, &byte, 1, false, false) == 1 && byte == 0);
        KEXPECT(counts_are(as, HIGH, 7, 6));
        KEXPECT(as_fault(as, HIGH + 2 * MB, PF_U) == 0 && counts_are(as, HIGH + 2 * MB, 1, 1));
        KEXPECT(as_munmap(as, HIGH, 4 * MB) == 0 && as_audit(as) == 0);
        as_put(as);
        KEXPECT(frames_now() == before);
    }
}

/* A CPU inside a lockless walk, until told to leave. */
struct walker_in_section {
    int inside; /* set by the walker once in its section */
    int leave;  /* set by the test */
};

static void stay_in_walk_section(void *arg)
{
    struct walker_in_section *w = arg;
    uint64_t flags = pt_walk_begin();
    __atomic_store_n(&w->inside, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&w->leave, __ATOMIC_ACQUIRE))
        cpu_relax();
    pt_walk_end(flags);
}

/* R4 under ptfree=rcu: tables unlinked while another CPU is inside a
 * pt_walk_begin section are not freed until it has left (a grace period
 * needs that CPU's quiescent state, which it cannot pass with interrupts
 * off), however long the wait. */
KTEST(pt_rcu_waits_for_a_cpu_inside_a_walk)
{
    if (cpu_count < 2)
        return;
    struct address_space *as = as_with(PTFREE_RCU);
    KASSERT(as);
    KASSERT(as_map_anon(as, HIGH, GB, RW, 0) == 0);
    KEXPECT(as_fault(as, HIGH, WRITE_FAULT) == 0);
    pt_drain();
    struct walker_in_section w = {0};
    struct thread *t = thread_create_on(1, "pt-walker", stay_in_walk_section, &w);
    KASSERT(t);
    while (!__atomic_load_n(&w.inside, __ATOMIC_ACQUIRE))
        cpu_relax();
    struct pt_stats before = stats_now();
    KEXPECT(as_madvise(as, HIGH, 2 * MB, MADV_DONTNEED) == 0);
    KEXPECT(as->pt_pages == 0);
    uint64_t end = time_monotonic_ns() + 200 * 1000000ull; /* 200 ms: 20 ticks */
    while (time_monotonic_ns() < end)
        yield();
    KEXPECT(freed_since(&before) == 0); /* still waiting */
    __atomic_store_n(&w.leave, 1, __ATOMIC_RELEASE);
    thread_join(t);
    pt_drain();
    KEXPECT(freed_since(&before) == 3);
    as_put(as);
}
