/*
 * The user half of an address space's page tables: walks that find or
 * create the leaf table of an address, visit the leaves of a range, and
 * free everything. One loop or recursion over the levels (xv6 style), never
 * one block per level. Counts, locks and frees follow mm/pt_ref.h.
 */
#include "mm/as_internal.h"

#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/user_page.h"

/* Page-table pages of all address spaces, PML4s included; atomic. */
uint64_t user_pt_pages_total;

/*
 * The fast path of upt_leaf_get(): descends from the PML4 without taking
 * any reference (R4), then takes one on the leaf table only, which keeps
 * the whole path linked (R3). NULL if a table is missing or dying.
 */
static struct page *leaf_get_lockless(struct address_space *as, uint64_t va)
{
    struct page *pt = as_root_table(as);
    pte_t e;
    uint64_t irq = pt_walk_begin();
    for (int level = PT_LEVELS; level > 1 && pt; level--)
        pt = pt_step(pt_slot(pt, va), level, &e, "a lockless walk");
    if (pt && !pt_try_get(pt))
        pt = NULL;
    pt_walk_end(irq);
    return pt;
}

struct page *upt_leaf_get(struct address_space *as, uint64_t va, bool alloc, struct zap *z)
{
    ASSERT(va < USER_TOP);
    struct page *leaf = leaf_get_lockless(as, va);
    if (leaf)
        return leaf;
    /* level by level, holding a reference on the table in hand (R3) */
    struct page *pt = as_root_table(as);
    for (int level = PT_LEVELS; level > 1; level--) {
        struct page *child = alloc ? pt_alloc_get(as, pt, va) : pt_child_get(pt, va);
        if (level < PT_LEVELS)
            pt_put(as, &z->pt, pt);
        if (!child)
            return NULL;
        pt = child;
    }
    return pt;
}

pte_t upt_lookup(struct address_space *as, uint64_t va)
{
    ASSERT(va < USER_TOP);
    struct page *pt = as_root_table(as);
    pte_t e = 0;
    uint64_t irq = pt_walk_begin();
    for (int level = PT_LEVELS; level > 1 && pt; level--)
        pt = pt_step(pt_slot(pt, va), level, &e, "upt_lookup");
    if (pt)
        e = pt_read(pt_slot(pt, va), 1, "upt_lookup");
    pt_walk_end(irq);
    return e;
}

/* A range walk: what upt_for_each() was asked. */
struct range_walk {
    struct address_space *as;
    upt_leaf_fn fn;
    void *arg;
    struct zap *z;
    bool unmap; /* ptfree=off: drop the keep reference of covered tables */
};

/* Visits the used slots of [start, end) in leaf table 'pt' (a reference
 * held), dropping and retaking its lock every PT_CHUNK slots. */
static int walk_leaves(struct range_walk *w, struct page *pt, uint64_t start, uint64_t end)
{
    int err = 0, in_chunk = 0;
    pt_lock(pt);
    for (uint64_t va = start; va < end && !err; va += PAGE_SIZE) {
        if (++in_chunk > PT_CHUNK) {
            pt_unlock(pt);
            if (pt_chunk_hook)
                pt_chunk_hook(w->as, va);
            pt_lock(pt);
            in_chunk = 1;
        }
        pte_t *slot = pt_slot(pt, va);
        if (pt_read(slot, 1, "a range walk"))
            err = w->fn(w->as, pt, slot, va, w->arg);
    }
    pt_unlock(pt);
    return err;
}

/* Walks [start, end) below table 'pt' (a reference held, or the PML4). */
static int walk_table(struct range_walk *w, struct page *pt, uint64_t start, uint64_t end)
{
    if (pt->pt_level == 1)
        return walk_leaves(w, pt, start, end);
    uint64_t size = pt_level_size(pt->pt_level);
    int err = 0;
    for (uint64_t va = start, next; va < end && !err; va = next) {
        next = ALIGN_DOWN(va, size) + size;
        if (next > end)
            next = end;
        struct page *child = pt_child_get(pt, va);
        if (!child)
            continue;
        err = walk_table(w, child, va, next);
        if (w->unmap && child->pt_keep && va == child->pt_va && next == pt_end(child))
            pt_drop_keep(child);
        pt_put(w->as, &w->z->pt, child);
    }
    return err;
}

/* upt_for_each(), and with 'unmap' the keep references too. */
static int walk_range(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                      void *arg, struct zap *z, bool unmap)
{
    ASSERT(start <= end && end <= USER_TOP);
    struct range_walk w = {as, fn, arg, z, unmap};
    return walk_table(&w, as_root_table(as), start, end);
}

int upt_for_each(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                 void *arg, struct zap *z)
{
    return walk_range(as, start, end, fn, arg, z, false);
}

int upt_for_each_unmap(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                       void *arg, struct zap *z)
{
    return walk_range(as, start, end, fn, arg, z, true);
}

/* Frees what table 'pt' reaches, then the table itself unless it is the
 * PML4. Nobody else can reach the address space: no locks, no counts. */
static void free_table(struct address_space *as, struct page *pt)
{
    pte_t *table = pt_table(pt);
    int level = pt->pt_level;
    int entries = level == PT_LEVELS ? PML4_KERNEL_FIRST : PT_ENTRIES;
    for (int i = 0; i < entries; i++) {
        pte_t e;
        if (level == 1) {
            e = pt_read(&table[i], 1, "the teardown");
            if (upte_has_page(e))
                user_page_put(upte_page(e));
            continue;
        }
        struct page *child = pt_step(&table[i], level, &e, "the teardown");
        if (child) {
            free_table(as, child);
            pte_set(&table[i], 0);
        }
    }
    if (level == PT_LEVELS)
        return;
    as_count(&as->pt_pages, -1);
    pt_free_page(pt);
}

void upt_free_all(struct address_space *as)
{
    free_table(as, as_root_table(as));
    ASSERT(as->pt_pages == 0);
}
