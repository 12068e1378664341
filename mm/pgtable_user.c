/*
 * The user half of an address space's page tables: walks that create
 * tables, visit the leaves of a range, and free everything. One loop per
 * walk over the levels (xv6 style), never one block per level. Tables that
 * become empty stay until as_put (freeing them early is issue 5's job).
 */
#include "mm/as_internal.h"

#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/user_page.h"

/* Page-table pages of all address spaces, PML4s included (mm/as.c counts
 * those); atomic. */
uint64_t user_pt_pages_total;

pte_t *upt_walk(struct address_space *as, uint64_t va, bool alloc)
{
    ASSERT(va < USER_TOP);
    pte_t *table = phys_to_virt(as->root);
    for (int level = PT_LEVELS; level > 1; level--) {
        pte_t *slot = &table[pt_index(va, level)];
        pte_t e = pte_read(slot);
        if (!pte_present(e)) {
            struct page *pt = alloc ? frame_alloc_zeroed(0) : NULL;
            if (!pt)
                return NULL;
            e = mk_pte(page_to_phys(pt), PTE_USER_TABLE);
            pte_set(slot, e);
            as_count(&as->pt_pages, 1);
            __atomic_add_fetch(&user_pt_pages_total, 1, __ATOMIC_RELAXED);
        }
        table = phys_to_virt(pte_phys(e));
    }
    return &table[pt_index(va, 1)];
}

/* upt_for_each() below the entry of 'table' (at 'level') that covers
 * [start, end); end is at most the end of what 'table' maps. */
static int for_each_in_table(struct address_space *as, pte_t *table, int level,
                             uint64_t start, uint64_t end, upt_leaf_fn fn, void *arg)
{
    uint64_t size = pt_level_size(level);
    for (uint64_t va = start, next; va < end; va = next) {
        next = ALIGN_DOWN(va, size) + size;
        if (next > end)
            next = end;
        pte_t *slot = &table[pt_index(va, level)];
        pte_t e = pte_read(slot);
        int err = 0;
        if (level == 1 && e)
            err = fn(as, slot, va, arg);
        else if (level > 1 && pte_present(e))
            err = for_each_in_table(as, phys_to_virt(pte_phys(e)), level - 1, va, next, fn,
                                    arg);
        if (err)
            return err;
    }
    return 0;
}

int upt_for_each(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                 void *arg)
{
    ASSERT(start <= end && end <= USER_TOP);
    return for_each_in_table(as, phys_to_virt(as->root), PT_LEVELS, start, end, fn, arg);
}

/* Frees what the table at 'phys' (at 'level') reaches, then the table
 * itself unless it is the PML4. */
static void free_table(struct address_space *as, uint64_t phys, int level)
{
    pte_t *table = phys_to_virt(phys);
    int entries = level == PT_LEVELS ? PML4_KERNEL_FIRST : PT_ENTRIES;
    for (int i = 0; i < entries; i++) {
        pte_t e = pte_read(&table[i]);
        if (level == 1 && upte_has_page(e))
            user_page_put(upte_page(e));
        else if (level > 1 && pte_present(e))
            free_table(as, pte_phys(e), level - 1);
    }
    if (level == PT_LEVELS)
        return;
    frame_free(phys_to_page(phys), 0);
    as_count(&as->pt_pages, -1);
    __atomic_sub_fetch(&user_pt_pages_total, 1, __ATOMIC_RELAXED);
}

void upt_free_all(struct address_space *as)
{
    free_table(as, as->root, PT_LEVELS);
    ASSERT(as->pt_pages == 0);
}
