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
#include "kernel/string.h"
#include "kernel/tlb_shootdown.h"
#include "mm/as.h"
#include "mm/page.h"
#include "mm/pt_ref.h"
#include "mm/shm.h"

#define PTE_USER_TABLE (PTE_PRESENT | PTE_WRITE | PTE_USER)

/* One node per shared object the regions of an address space point to:
 * the address space's one reference on it (mm/shm.h). */
struct shm_link {
    struct shm_object *obj;
    struct shm_link *next;
};

/* Changes a counter of 'as' (rss_pages, pt_pages); atomic, as faults under
 * the read side of the map lock change them at once on several CPUs. */
static inline void as_count(uint64_t *counter, int64_t delta)
{
    __atomic_add_fetch(counter, (uint64_t)delta, __ATOMIC_RELAXED);
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

/* ---- User page tables (mm/pgtable_user.c) ----
 * The map lock is held (either side) unless said otherwise; the counts and
 * table locks follow mm/pt_ref.h. */

struct zap;

/* Page-table pages of all address spaces, PML4s included; atomic. */
extern uint64_t user_pt_pages_total;

/* The PML4's page. */
static inline struct page *as_root_table(struct address_space *as)
{
    return phys_to_page(as->root);
}

/*
 * The leaf table (level 1) covering 'va' with a reference (drop it with
 * pt_put(as, &z->pt, table)), creating missing tables if 'alloc'. NULL if
 * a table is missing (or, with alloc, no memory).
 */
struct page *upt_leaf_get(struct address_space *as, uint64_t va, bool alloc, struct zap *z);

/* The leaf entry of 'va' now, 0 if none (a lockless snapshot; safe with or
 * without the map lock). */
pte_t upt_lookup(struct address_space *as, uint64_t va);

/* Calls fn(as, table, slot, va, arg) for each level-1 slot of [start, end)
 * whose entry is not 0, in address order, with table's lock held, skipping
 * missing tables; fn may change the entry (and then the table's count: one
 * unit per entry it empties or fills). Stops at fn's first non-zero return
 * and returns it. Tables that become empty go to z. */
typedef int (*upt_leaf_fn)(struct address_space *as, struct page *table, pte_t *slot,
                           uint64_t va, void *arg);
int upt_for_each(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                 void *arg, struct zap *z);

/* upt_for_each() for a range no region maps any more: under ptfree=off,
 * tables whose whole range lies inside also drop their keep reference. */
int upt_for_each_unmap(struct address_space *as, uint64_t start, uint64_t end, upt_leaf_fn fn,
                       void *arg, struct zap *z);

/* Drops every user page and frees every table below the PML4 at once (the
 * address space is loaded nowhere and has no other user). */
void upt_free_all(struct address_space *as);

/* Copies 'len' bytes between kernel buffer 'kbuf' and the user page 'page'
 * (pinned by the caller) at byte 'offset' of the page, through the direct
 * map: into the page if 'write'. The range stays inside the page. */
static inline void user_page_copy(struct page *page, size_t offset, void *kbuf, size_t len,
                                  bool write)
{
    char *user = (char *)page_to_virt(page) + offset;
    if (write)
        memcpy(user, kbuf, len);
    else
        memcpy(kbuf, user, len);
}

/* ---- Zaps (mm/as.c) ----
 * Removing or weakening entries happens under the map lock and table locks;
 * the TLB shootdown and the freeing of what the entries reached (pages,
 * tables) happen in zap_finish(), after the map lock is dropped: a
 * shootdown waits for every CPU of the address space, which under QEMU can
 * take milliseconds, and holding the map lock that long starves the other
 * threads. A thread racing with the change may meanwhile still use a stale
 * entry; the page it reaches is freed only after the shootdown.
 * One change cannot wait: fork write-protects the parent's private pages,
 * and once the lock is free another thread's write fault may copy a page
 * while a CPU still writes the old one through a stale writable entry: the
 * write would be lost. So fork calls zap_flush() before dropping the lock. */
struct zap {
    struct tlb_batch tlb;     /* ranges to flush */
    bool flush;               /* a present entry was removed or weakened */
    bool flushed;             /* zap_flush() ran: 'flushed_cpus' were reached */
    cpumask_t flushed_cpus;
    struct page *freed;       /* pages without references, through page->next */
    struct shm_link *dropped; /* shared objects no region uses any more */
    struct pt_gather pt;      /* unlinked page tables */
};
#define ZAP_INIT { TLB_BATCH_INIT, false, false, 0, NULL, NULL, PT_GATHER_INIT }

/* Clears the entries of [start, end); tables left empty go by the address
 * space's strategy (under ptfree=off they stay). Map lock held. */
void zap_range(struct address_space *as, uint64_t start, uint64_t end, struct zap *z);

/* zap_range() for a range no region maps any more (munmap, a MAP_FIXED
 * replacement, brk shrink): under ptfree=off, tables whose whole range lies
 * inside go too. Map lock held for writing. */
void zap_unmap(struct address_space *as, uint64_t start, uint64_t end, struct zap *z);

/* Notes that the entries of [start, end) changed and need a flush. */
void zap_flush_range(struct zap *z, uint64_t start, uint64_t end);

/* Moves the shared objects no region uses any more to z->dropped (map lock
 * held for writing; after a change that removed regions). */
void zap_unused_objects(struct address_space *as, struct zap *z);

/* Flushes the TLBs of the CPUs where 'as' is loaded for what z changed
 * (entries and unlinked tables), now: fork, before it drops the map lock.
 * Interrupts on, no table lock held (the IPIs are waited for). */
void zap_flush(struct address_space *as, struct zap *z);

/* zap_flush() if it has not run, then frees the pages and tables and drops
 * the objects (no lock held, interrupts on). */
void zap_finish(struct address_space *as, struct zap *z);

/* ---- Faults (mm/fault.c) ---- */

/* True if 'vma' allows the access (exec: an instruction fetch). */
bool vma_allows(const struct vma *vma, bool write, bool exec);

/*
 * Makes the page of 'va' (in 'vma') present for a read, or for a write if
 * 'write' (breaking copy-on-write; the entry stays read-only if the region
 * is, for execve's forced writes). The access is not checked against the
 * region: see vma_allows(). Map lock held (either side). Returns 0 or
 * -ENOMEM. A page replaced by copy-on-write is returned in *replaced (else
 * NULL): the caller drops it with release_replaced() after unlocking. With
 * 'pin', *pin gets the page now mapped with a reference taken under the
 * table lock (drop it with user_page_put()).
 */
int fault_in_locked(struct address_space *as, struct vma *vma, uint64_t va, bool write,
                    struct page **replaced, struct page **pin, struct zap *z);

/* Flushes 'va' where 'as' is loaded, then drops the reference on 'old'
 * (NULL: nothing to do). No lock held, interrupts on. */
void release_replaced(struct address_space *as, uint64_t va, struct page *old);

/* Faults in the pages of [start, end) (page aligned) as reads, or writes
 * if 'write'. Returns 0, -ENOMEM (a hole, or no memory) or -EFAULT (an
 * access the region does not allow). No lock held. */
int as_populate(struct address_space *as, uint64_t start, uint64_t end, bool write);

#endif
