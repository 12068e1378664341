/*
 * What the files of the address-space code share (mm/as.c, mm/fault.c,
 * mm/pgtable_user.c, mm/as_mman.c): user leaf entries, the user page-table
 * walks, and zaps. Not for use outside mm/.
 *
 * User leaf entries (level 1) are in one of three states:
 *   0                      nothing mapped;
 *   PRESENT|USER|...       the page, with WRITE and NX from the region's
 *                          protection (WRITE only while the page is the
 *                          region's alone: see as.h);
 *   PROTNONE (not present) the page, kept but unreachable: PROT_NONE.
 * Table entries above level 1 allow everything (PTE_USER_TABLE); only the
 * leaf decides.
 */
#ifndef MM_AS_INTERNAL_H
#define MM_AS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/pgtable.h"
#include "kernel/tlb_shootdown.h"
#include "mm/as.h"
#include "mm/page.h"
#include "mm/shm.h"

#define PTE_USER_TABLE (PTE_PRESENT | PTE_WRITE | PTE_USER)

/* One node per shared object the regions of an address space point to:
 * the address space's one reference on it (mm/shm.h). */
struct shm_link {
    struct shm_object *obj;
    struct shm_link *next;
};

/* Changes a counter of 'as' (rss_pages, pt_pages) under as->lock; readers
 * without the lock (/proc) load it atomically and see a recent value. */
static inline void as_count(uint64_t *counter, int64_t delta)
{
    __atomic_store_n(counter, *counter + delta, __ATOMIC_RELAXED);
}

/* ---- Leaf entries ---- */

static inline bool upte_has_page(pte_t e)
{
    return e & (PTE_PRESENT | PTE_PROTNONE);
}

static inline struct page *upte_page(pte_t e)
{
    return phys_to_page(pte_phys(e));
}

/* The entry mapping 'page' in a region with 'prot'; writable only if
 * 'writable' and the region allows writes. */
pte_t upte_make(struct page *page, uint32_t prot, bool writable);

/* ---- User page tables (mm/pgtable_user.c); as->lock held ---- */

/* Page-table pages of all address spaces, PML4s included; atomic. */
extern uint64_t user_pt_pages_total;

/* The level-1 slot of 'va', creating missing tables (zeroed, counted in
 * pt_pages) if 'alloc'. NULL if a table is missing (or, with alloc, no
 * memory). */
pte_t *upt_walk(struct address_space *as, uint64_t va, bool alloc);

/* Calls fn(as, slot, va, arg) for each level-1 slot of [start, end) whose
 * entry is not 0, in address order, skipping missing tables; fn may change
 * the entry. Stops at fn's first non-zero return and returns it. */
typedef int (*upt_leaf_fn)(struct address_space *as, pte_t *slot, uint64_t va, void *arg);
int upt_for_each(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                 void *arg);

/* Drops every user page and frees every table below the PML4 (the address
 * space is loaded nowhere). */
void upt_free_all(struct address_space *as);

/* ---- Zaps (mm/as.c) ----
 * Removing or weakening entries happens under as->lock; the TLB shootdown
 * and the freeing of what the entries reached happen after it is dropped
 * (tlb_batch_flush may not run under a spinlock), in zap_finish(). */
struct zap {
    struct tlb_batch tlb;     /* ranges to flush */
    bool flush;               /* a present entry was removed or weakened */
    struct page *freed;       /* pages without references, through page->next */
    struct shm_link *dropped; /* shared objects no region uses any more */
};
#define ZAP_INIT { TLB_BATCH_INIT, false, NULL, NULL }

/* Clears the entries of [start, end) (as->lock held). */
void zap_range(struct address_space *as, uint64_t start, uint64_t end, struct zap *z);

/* Notes that the entries of [start, end) changed and need a flush. */
void zap_flush_range(struct zap *z, uint64_t start, uint64_t end);

/* Moves the shared objects no region uses any more to z->dropped (as->lock
 * held; after a change that removed regions). */
void zap_unused_objects(struct address_space *as, struct zap *z);

/* Flushes the TLBs of the CPUs where 'as' is loaded, then frees the pages
 * and drops the objects (as->lock not held, interrupts on). */
void zap_finish(struct address_space *as, struct zap *z);

/* ---- Faults (mm/fault.c) ---- */

/* True if 'vma' allows the access (exec: an instruction fetch). */
bool vma_allows(const struct vma *vma, bool write, bool exec);

/*
 * Makes the page of 'va' (in 'vma') present for a read, or for a write if
 * 'write' (breaking copy-on-write; the entry stays read-only if the region
 * is, for execve's forced writes). The access is not checked against the
 * region: see vma_allows(). as->lock held. Returns 0 or -ENOMEM. A page
 * replaced by copy-on-write is returned in *replaced (else NULL): the
 * caller drops it with release_replaced() after unlocking.
 */
int fault_in_locked(struct address_space *as, struct vma *vma, uint64_t va, bool write,
                    struct page **replaced);

/* Flushes 'va' where 'as' is loaded, then drops the reference on 'old'
 * (NULL: nothing to do). as->lock not held, interrupts on. */
void release_replaced(struct address_space *as, uint64_t va, struct page *old);

/* Faults in the pages of [start, end) (page aligned) as reads, or writes
 * if 'write'. Returns 0, -ENOMEM (a hole, or no memory) or -EFAULT (an
 * access the region does not allow). as->lock not held. */
int as_populate(struct address_space *as, uint64_t start, uint64_t end, bool write);

#endif
