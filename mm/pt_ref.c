/*
 * Counts of user page-table pages: get, allocate-and-get, put with
 * teardown, the strategy choice and the statistics. The rules R1..R6 are
 * in mm/pt_ref.h.
 */
#include "mm/pt_ref.h"

#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/as_internal.h"
#include "mm/frame.h"

static struct pt_stats stats;

void (*pt_chunk_hook)(struct address_space *as, uint64_t next_va);

enum pt_strategy pt_default_strategy(void)
{
    const char *v = cmdline_get(&kernel_cmdline, "ptfree");
    if (!v || !strcmp(v, "rcu"))
        return PTFREE_RCU;
    if (!strcmp(v, "ipi"))
        return PTFREE_IPI;
    if (!strcmp(v, "off"))
        return PTFREE_OFF;
#ifdef DEBUG
    if (!strcmp(v, "unsafe"))
        return PTFREE_UNSAFE;
#endif
    static bool warned; /* once; no data rides on it: relaxed */
    if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
        printk("ptfree=%s: unknown (rcu, ipi, off%s); using rcu\n", v,
#ifdef DEBUG
               ", unsafe"
#else
               ""
#endif
        );
    return PTFREE_RCU;
}

const char *pt_strategy_name(enum pt_strategy s)
{
    static const char *const names[] = {"rcu", "ipi", "off", "unsafe"};
    return names[s];
}

void pt_check_alive(const struct page *pt, int level, const char *walker)
{
#ifdef DEBUG
    uint32_t flags = __atomic_load_n(&pt->flags, __ATOMIC_RELAXED); /* M5 */
    if (!(flags & PG_PTABLE) || pt->pt_level != level)
        panic("page-table use-after-free: %s reached table %lx (level %d), which is %s",
              walker, page_to_phys(pt), level,
              (flags & PG_PTABLE) ? "a table of another level" : "freed or not a table");
#else
    (void)pt;
    (void)level;
    (void)walker;
#endif
}

struct page *pt_step(const pte_t *slot, int level, pte_t *entry, const char *walker)
{
    pte_t e = pt_read(slot, level, walker);
    *entry = e;
    if (!pte_present(e) || pte_is_leaf(e, level) || !phys_valid(pte_phys(e)))
        return NULL;
    struct page *child = phys_to_page(pte_phys(e));
    pt_check_alive(child, level - 1, walker);
    return child;
}

#ifdef DEBUG
/* The page-table locks each CPU holds: at most two, of two address spaces
 * (fork's exception to the lock order, mm/pt_ref.h). A row is written by
 * its CPU only, with preemption off. */
static struct page *locks_of_cpu[MAX_CPUS][2];

/* The PML4 above table 'pt' (pt_parent is constant while a table lives). */
static const struct page *root_of(const struct page *pt)
{
    while (pt->pt_parent)
        pt = pt->pt_parent;
    return pt;
}

void pt_lock_taken(struct page *pt)
{
    struct page **held = locks_of_cpu[this_cpu_id()];
    if (held[1] || (held[0] && root_of(held[0]) == root_of(pt)))
        panic("page-table lock order: CPU %d takes the lock of table %lx (level %d) while "
              "holding that of table %lx (level %d)%s", this_cpu_id(), page_to_phys(pt),
              pt->pt_level, page_to_phys(held[0]), held[0]->pt_level,
              held[1] ? " and another" : ", of the same address space");
    held[held[0] ? 1 : 0] = pt;
    locks_held_inc();
}

void pt_lock_dropped(struct page *pt)
{
    struct page **held = locks_of_cpu[this_cpu_id()];
    if (held[1] == pt) {
        held[1] = NULL;
    } else if (held[0] == pt) {
        held[0] = held[1];
        held[1] = NULL;
    } else {
        panic("pt_unlock of table %lx (level %d), whose lock CPU %d does not hold",
              page_to_phys(pt), pt->pt_level, this_cpu_id());
    }
    locks_held_dec();
}

void pt_assert_locked(const struct page *pt)
{
    struct page **held = locks_of_cpu[this_cpu_id()];
    if (held[0] != pt && held[1] != pt)
        panic("table %lx (level %d): its lock is not held by CPU %d, as the caller must",
              page_to_phys(pt), pt->pt_level, this_cpu_id());
}

/* Panics, naming 'what', if this CPU holds a spinlock or a pt_lock of 'as'. */
static void check_no_lock_of(struct address_space *as, const char *what)
{
    struct page **held = locks_of_cpu[this_cpu_id()];
    int tables = (held[0] != NULL) + (held[1] != NULL);
    int spinlocks = arch_percpu_read_int(offsetof(struct cpu, locks_held)) - tables;
    if (spinlocks)
        panic("%s while CPU %d holds %d spinlock(s)", what, this_cpu_id(), spinlocks);
    for (int i = 0; i < tables; i++)
        if (root_of(held[i]) == as_root_table(as))
            panic("%s while CPU %d holds the lock of table %lx (level %d) of the same "
                  "address space", what, this_cpu_id(), page_to_phys(held[i]),
                  held[i]->pt_level);
}
#endif

void pt_init_page(struct page *pt, int level, struct page *parent, uint64_t va, bool keep)
{
    pt->pt_parent = parent;
    pt->pt_va = va;
    pt->pt_count = keep ? 1 : 0;
    pt->pt_lock = (struct pt_lock){0};
    pt->pt_index = parent ? pt_index(va, level + 1) : 0;
    pt->pt_level = (uint8_t)level;
    pt->pt_keep = keep;
    pt->pt_idle = 0;
    pt->pt_entries = 0;
    pt->pt_zero = 0;
    __atomic_store_n(&pt->flags, pt->flags | PG_PTABLE, __ATOMIC_RELEASE); /* M1 */
    pt_stat_allocated(level);
    pt_trace(PT_EV_ALLOC, level, va);
}

struct page *pt_child_get(struct page *parent, uint64_t va)
{
    pte_t e;
    uint64_t irq = pt_walk_begin();
    struct page *child = pt_step(pt_slot(parent, va), parent->pt_level, &e, "a locked walk");
    if (child && !pt_try_get(child))
        child = NULL;
    pt_walk_end(irq);
    return child;
}

struct page *pt_alloc_get(struct address_space *as, struct page *parent, uint64_t va)
{
    struct page *child = pt_child_get(parent, va);
    if (child)
        return child;
    struct page *fresh = frame_alloc_user(true);
    pte_t *slot = pt_slot(parent, va);
    int level = parent->pt_level - 1;
    pte_t e;
    pt_lock(parent);
    child = pt_step(slot, parent->pt_level, &e, "pt_alloc_get");
    if (child) {
        /* lost the race: the winner's table is linked, so alive (R2) */
        pt_count_add(child, 1);
    } else if (fresh) {
        ASSERT(!pte_present(e));
        bool keep = as->ptfree == PTFREE_OFF;
        uint64_t base = ALIGN_DOWN(va, pt_level_size(level + 1));
        pt_init_page(fresh, level, parent, base, keep);
        fresh->pt_count += 1; /* the caller's reference; not yet published (M1) */
        pt_count_add(parent, 1);
        pte_set(slot, mk_user_table_pte(page_to_phys(fresh))); /* M1: publishes it */
        as_count(&as->pt_pages, 1);
        __atomic_add_fetch(&user_pt_pages_total, 1, __ATOMIC_RELAXED); /* a counter */
        child = fresh;
        fresh = NULL;
    }
    pt_unlock(parent);
    if (fresh)
        frame_free(fresh, 0); /* never published */
    return child;
}

/* Drops one unit unless it is the last; true if it did. */
static bool put_unless_last(struct page *pt)
{
    int32_t c = __atomic_load_n(&pt->pt_count, __ATOMIC_RELAXED); /* a guess: the CAS checks */
    while (c > 1)
        if (__atomic_compare_exchange_n(&pt->pt_count, &c, c - 1, false, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED)) /* M2 */
            return true;
    return false;
}

void pt_put(struct address_space *as, struct pt_gather *g, struct page *pt)
{
    assert_locked(&as->map_lock); /* R1 */
    for (;;) {
        if (put_unless_last(pt))
            return;
        if (pt->pt_level == PT_LEVELS) { /* R5 */
            pt_count_sub(pt, 1);
            return;
        }
#ifdef DEBUG
        check_no_lock_of(as, "the last pt_put of a table");
#endif
        struct page *parent = pt->pt_parent;
        pt_lock(parent);
        /* a pt_try_get may have come in meanwhile: then it is not the last
         * (M3); reaching 0 acquires every earlier put (M2) */
        if (__atomic_sub_fetch(&pt->pt_count, 1, __ATOMIC_ACQ_REL) != 0) {
            pt_unlock(parent);
            return;
        }
        pt_trace(PT_EV_EMPTY, pt->pt_level, pt->pt_va);
        ASSERT(pte_phys(pte_read(pt_slot(parent, pt->pt_va))) == page_to_phys(pt));
        pte_set(pt_slot(parent, pt->pt_va), 0);
        pt_unlock(parent);
        pt_gather_add(as, g, pt);
        pt = parent; /* the parent lost that entry */
    }
}

void pt_drop_keep(struct address_space *as, struct page *pt)
{
    pt_lock(pt);
    if (pt->pt_keep) {
        pt->pt_keep = 0;
        pt_count_sub(pt, 1);
        if (pt->pt_level == 1)
            pt_idle_update(as, pt, false); /* R8: an empty table goes now */
    }
    pt_unlock(pt);
}

/* ---- Statistics ----
 * Counters only, read for reports: every access is relaxed. */

void pt_stat_allocated(int level)
{
    __atomic_add_fetch(&stats.allocated[level - 1], 1, __ATOMIC_RELAXED);
}

void pt_stat_freed(int level)
{
    __atomic_add_fetch(&stats.freed[level - 1], 1, __ATOMIC_RELAXED);
}

void pt_stat_waiting(int64_t delta)
{
    __atomic_add_fetch(&stats.waiting, (uint64_t)delta, __ATOMIC_RELAXED);
}

void pt_stat_reclaim(uint64_t ipis)
{
    __atomic_add_fetch(&stats.reclaim_ipis, ipis, __ATOMIC_RELAXED);
    __atomic_add_fetch(&stats.batches, 1, __ATOMIC_RELAXED);
}

void pt_get_stats(struct pt_stats *out)
{
    for (int i = 0; i < PT_LEVELS; i++) {
        out->allocated[i] = __atomic_load_n(&stats.allocated[i], __ATOMIC_RELAXED);
        out->freed[i] = __atomic_load_n(&stats.freed[i], __ATOMIC_RELAXED);
    }
    out->waiting = __atomic_load_n(&stats.waiting, __ATOMIC_RELAXED);
    out->reclaim_ipis = __atomic_load_n(&stats.reclaim_ipis, __ATOMIC_RELAXED);
    out->batches = __atomic_load_n(&stats.batches, __ATOMIC_RELAXED);
}

size_t pt_stat_text(char *buf, size_t size)
{
    static const char *const names[PT_LEVELS] = {"pte", "pmd", "pud", "pml4"};
    struct pt_stats s;
    struct rcu_stats r;
    pt_get_stats(&s);
    rcu_get_stats(&r);
    size_t n = 0;
#define ADD(...)                                                    \
    do {                                                            \
        if (n < size)                                               \
            n += (size_t)format(buf + n, size - n, __VA_ARGS__);    \
    } while (0)
    ADD("strategy %s\n", pt_strategy_name(pt_default_strategy()));
    for (int i = 0; i < PT_LEVELS; i++)
        ADD("%s_allocated %lu\n%s_freed %lu\n", names[i], s.allocated[i], names[i],
            s.freed[i]);
    ADD("waiting_grace_period %lu\n", s.waiting);
    ADD("reclaim_batches %lu\n", s.batches);
    ADD("reclaim_ipis %lu\n", s.reclaim_ipis);
    ADD("grace_periods %lu\n", r.grace_periods);
    ADD("rcu_callbacks_run %lu\n", r.callbacks_run);
    ADD("longest_grace_period_cycles %lu\n", r.longest_gp_cycles);
#undef ADD
    if (n < size)
        n += pt_reclaim_stat_text(buf + n, size - n);
    return n < size ? n : size;
}
