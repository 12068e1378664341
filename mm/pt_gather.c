/*
 * The end of a page-table page: gathered at unlink, flushed, then freed by
 * the address space's strategy (mm/pt_ref.h, R4 and R6):
 *
 *   rcu     one call_rcu() per batch; freed when the grace period ends
 *   ipi     one synchronous IPI to every online CPU the TLB flush did not
 *           already reach (the flush's acknowledgement counts), then freed
 *   off     as ipi (a munmap of a table's whole range, R4 still holds)
 *   unsafe  freed at unlink (DEBUG builds; to prove the checks catch it)
 *
 * Lockless walkers may walk an address space that is not loaded on their
 * CPU (process_vm_readv, futex keys), so the IPI goes to every online CPU,
 * not just the address space's active_cpus.
 *
 * DEBUG builds poison a freed table (every slot PTE_POISON), clear its
 * PG_PTABLE and keep it in quarantine for one more grace period before the
 * allocator gets it: a walker that reaches it meanwhile panics
 * (pt_check_alive) instead of reading a reused page.
 */
#include "mm/pt_ref.h"

#include "kernel/rcu.h"
#include "kernel/smp_call.h"
#include "mm/as_internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

/* Tables travelling together through a grace period. */
struct pt_batch {
    struct rcu_head rcu;
    struct page *tables; /* through page->next */
    int count;
};

/* Makes 'pt' a plain page again (no longer counted as a table); its
 * 'next' link is left alone, for the list it may travel on. */
static void forget_table(struct page *pt)
{
    pt_stat_freed(pt->pt_level);
    pt_trace(PT_EV_FREED, pt->pt_level, pt->pt_va);
    __atomic_sub_fetch(&user_pt_pages_total, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&pt->flags, pt->flags & ~PG_PTABLE, __ATOMIC_RELEASE);
    pt->pt_parent = NULL;
}

void pt_free_page(struct page *pt)
{
    forget_table(pt);
    pt->next = NULL;
    frame_free(pt, 0);
}

#ifdef DEBUG
static void release_quarantine(struct rcu_head *head)
{
    struct pt_batch *b = (struct pt_batch *)head;
    while (b->tables) {
        struct page *pt = b->tables;
        b->tables = pt->next;
        pt->next = NULL;
        frame_free(pt, 0);
    }
    kfree(b);
}

/* Poisons the tables of 'list' and keeps them for a grace period; false
 * without memory for the batch. */
static bool quarantine(struct page *list)
{
    struct pt_batch *q = kmalloc(sizeof(*q));
    if (!q)
        return false;
    for (struct page *pt = list; pt; pt = pt->next) {
        forget_table(pt);
        pte_t *table = pt_table(pt);
        for (int i = 0; i < PT_ENTRIES; i++) {
            if (table[i]) /* retire() relies on it */
                panic("unlinked table %lx (level %d) still has entry %d = %lx",
                      page_to_phys(pt), pt->pt_level, i, table[i]);
            pte_set(&table[i], PTE_POISON);
        }
    }
    *q = (struct pt_batch){.tables = list};
    call_rcu(&q->rcu, release_quarantine);
    return true;
}
#endif

/* Gives the tables of 'list' back (DEBUG: poisoned, through the quarantine).
 * Each was unlinked when its count reached 0, so every entry is 0 (R2):
 * the page is all zeros and goes to the allocator's zeroed list, from
 * which the next table or data page is taken without clearing it. */
static void retire(struct page *list)
{
#ifdef DEBUG
    if (quarantine(list))
        return;
#endif
    while (list) {
        struct page *pt = list;
        list = pt->next;
        forget_table(pt);
        frame_free_zeroed(pt);
    }
}

void pt_gather_add(struct address_space *as, struct pt_gather *g, struct page *pt)
{
    as_count(&as->pt_pages, -1);
    pt_trace(PT_EV_UNLINK, pt->pt_level, pt->pt_va);
    pt->next = NULL;
    if (as->ptfree == PTFREE_UNSAFE) {
        retire(pt);
        return;
    }
    if (!g->count)
        g->flush_va = pt->pt_va;
    pt->next = g->tables;
    g->tables = pt;
    g->count++;
}

static void after_grace_period(struct rcu_head *head)
{
    struct pt_batch *b = (struct pt_batch *)head;
    pt_stat_waiting(-b->count);
    retire(b->tables);
    kfree(b);
}

/* Runs on each CPU the reclaim IPI reaches: nothing; the acknowledgement is
 * the point (that CPU is outside any pt_walk_begin section). */
static void reclaim_ack(void *arg)
{
    (void)arg;
}

void pt_gather_finish(struct address_space *as, struct pt_gather *g, cpumask_t flushed)
{
    if (!g->count)
        return;
    struct page *list = g->tables;
    int count = g->count;
    *g = (struct pt_gather)PT_GATHER_INIT;
    if (__atomic_load_n(&pt_trace_on, __ATOMIC_RELAXED)) /* T1 */
        for (struct page *pt = list; pt; pt = pt->next)
            pt_trace_record(PT_EV_QUEUED, pt->pt_level, pt->pt_va);
    if (as->ptfree == PTFREE_RCU) {
        struct pt_batch *b = kmalloc(sizeof(*b));
        pt_stat_waiting(count);
        pt_stat_reclaim(0);
        if (b) {
            *b = (struct pt_batch){.tables = list, .count = count};
            call_rcu(&b->rcu, after_grace_period);
            return;
        }
        synchronize_rcu();
        pt_stat_waiting(-count);
        retire(list);
        return;
    }
    preempt_disable();
    cpumask_t targets = __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) & ~flushed &
                        ~(1ull << this_cpu_id());
    if (targets)
        smp_call_function(targets, reclaim_ack, NULL, true);
    preempt_enable();
    pt_stat_reclaim((uint64_t)cpumask_weight(targets));
    retire(list);
}

void pt_drain(void)
{
    pt_reclaim_wait(); /* a pass holding address spaces and tables */
    rcu_barrier(); /* tables waiting for their grace period */
    rcu_barrier(); /* DEBUG quarantine batches those queued */
}
