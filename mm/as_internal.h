/*
 * What the files of the address-space code share (mm/as.c, mm/fault.c,
 * mm/pgtable_user.c, mm/as_mman.c, mm/mremap.c): user leaf entries, the user page-table
 * walks, and zaps. Not for use outside mm/.
 *
 * User leaf entries (level 1) are in one of three states:
 *   0                      nothing mapped;
 *   PRESENT|USER|...       the page, with WRITE and NX from the region's
 *                          protection (WRITE only while the page is the
 *                          region's alone: see as.h; never for the zero
 *                          page, mm/user_page.h);
 *   PROTNONE (not present) the page, kept but unreachable: PROT_NONE.
 * The page may be the shared zero page in either of the last two states.
 * Every change of a leaf entry goes through upte_set(), which keeps the
 * counts that depend on it.
 * Table entries above level 1 allow everything (PTE_USER_TABLE); only the
 * leaf decides.
 */
#ifndef MM_AS_INTERNAL_H
#define MM_AS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/mmu.h"
#include "kernel/tlb_shootdown.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/page.h"
#include "mm/pt_ref.h"
#include "mm/shm.h"
#include "mm/user_page.h"

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

/* True if the leaf entry holds a page: present, or PROT_NONE. */
static inline bool upte_has_page(pte_t e)
{
    return pte_present(e) || pte_protnone(e);
}

/* The page a leaf entry holds (upte_has_page() must be true). */
static inline struct page *upte_page(pte_t e)
{
    return phys_to_page(pte_phys(e));
}

/* True if the leaf entry holds the shared zero page (mm/user_page.h). */
static inline bool upte_is_zero(pte_t e)
{
    return upte_has_page(e) && upte_page(e) == zero_page;
}

/* The entry mapping 'page' in a region with 'prot'; writable only if
 * 'writable', the region allows writes and 'page' is not the zero page
 * (ZP2). */
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

/*
 * Stores 'e' in 'slot' of leaf table 'table' (its lock held, and the map
 * lock, R1) and keeps in step what counts leaf entries: the table's count
 * (one unit per entry in use: the caller holds a reference on the table,
 * so emptying an entry never takes it to zero), its two content counts
 * (R7), its place on the idle list (R8), and the VmRSS of 'as' (pages
 * other than the zero page, ZP3). References on the pages are the
 * caller's to take and drop.
 */
void upte_set(struct address_space *as, struct page *table, pte_t *slot, pte_t e);

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

/* upt_for_each() over the slots of leaf table 'table' alone (a reference
 * held), whose entries are not 0. */
int upt_for_each_in(struct address_space *as, struct page *table, upt_leaf_fn fn, void *arg,
                    struct zap *z);

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
 * A zap removes or weakens user entries and frees what they reached:
 * MADV_DONTNEED/FREE/REMOVE, munmap, mmap or execve over a range, brk,
 * mprotect, fork's write protection, a copy-on-write fault's replacement,
 * mremap's move (its entries leave the old range: mm/mremap.c, MV3, MV5).
 * The entries change under the map lock and table locks; the TLB shootdown
 * and the frees happen in zap_finish(), after the map lock is dropped: a
 * shootdown waits for every CPU of the address space, which under QEMU can
 * take milliseconds, and holding the map lock that long starves the other
 * threads. Until then other CPUs may still use the old entries. The rule:
 *
 *   When a zap returns, no CPU can reach a frame removed from its range,
 *   nor use a right taken away there: neither by this zap's changes nor by
 *   those another zap still in flight made first (this one then finds
 *   nothing to clear, and had nothing of its own to flush).
 *
 *  Z1 A zap records in z->tlb the whole range it answers for (zap_range,
 *     zap_unmap, zap_cover), whatever it finds there.
 *  Z2 Before a zap first removes or weakens a present entry, holding that
 *     entry's table lock, it raises as->flush_pending (zap_note_change());
 *     it lowers it once its own shootdown has been acknowledged
 *     (zap_flush()). A zap that then finds the entry empty or weaker took
 *     the same table lock after the change, so it sees the raise.
 *  Z3 zap_flush() shoots z->tlb down if this zap changed an entry, or if
 *     flush_pending counts another zap: what this one found done may be
 *     that zap's work, not yet flushed (Linux: mm_tlb_flush_nested() in
 *     tlb_finish_mmu(), commit 99baac21e458). A count of the others read
 *     as 0 means their shootdowns are over (released after them).
 *  Z4 What a zap removed (pages, unlinked tables: R6) is freed, and the
 *     page a copy-on-write fault replaced is released, only after its
 *     shootdown: in zap_finish(), or after it (release_replaced()).
 *
 * Faults flush nothing when they find an entry that a zap in flight
 * emptied: they only fill entries, the faulting CPU holds no translation
 * of the address any more (x86 drops it on the page fault; as_access
 * copies through the direct map), and a stale translation on another CPU
 * is an access racing with that zap, over when it returns (as on Linux).
 * A fault that replaces a page (copy-on-write) is a zap itself (Z2, Z4).
 * One zap cannot wait for the lock to be dropped: fork write-protects the
 * parent's private pages, and once the lock is free another thread's write
 * fault may copy a page while a CPU still writes the old one through a
 * stale writable entry: the write would be lost. So fork calls zap_flush()
 * before dropping the lock, covering every private region it shares (Z3:
 * entries an mprotect in flight made read-only are flushed too). Waiting
 * for other CPUs under the map lock cannot deadlock: nobody waits for an
 * rwlock with interrupts off, so every CPU answers the IPI, and fork holds
 * no spinlock or table lock then (kernel/smp_call.h; both checked). */
struct zap {
    struct tlb_batch tlb;     /* the ranges the zap answers for (Z1) */
    bool flush;               /* it removed or weakened a present entry */
    bool counted;             /* it counts in as->flush_pending (Z2) */
    bool flushed;             /* zap_flush() ran: 'flushed_cpus' were reached */
    cpumask_t flushed_cpus;
    struct page *freed;       /* pages without references, through page->next */
    struct shm_link *dropped; /* shared objects no region uses any more */
    struct pt_gather pt;      /* unlinked page tables */
};
#define ZAP_INIT { TLB_BATCH_INIT, false, false, false, 0, NULL, NULL, PT_GATHER_INIT }

/* DEBUG: panics if z still has work to do (a range to answer for, a count
 * in flush_pending, pages, tables or objects to free): the cleanup of
 * every ZAP() variable. A no-op otherwise. */
#ifdef DEBUG
void zap_check_finished(struct zap *z);
#else
static inline void zap_check_finished(struct zap *z) { (void)z; }
#endif

/* Declares the struct zap 'name', which must be finished (zap_finish())
 * before it goes out of scope if anything was added to it: DEBUG builds
 * panic otherwise, as Redox's #[must_use] MapperFlush makes a dropped,
 * unflushed mapping change an error. Every zap is declared with it. */
#define ZAP(name) struct zap name __attribute__((cleanup(zap_check_finished))) = ZAP_INIT

/* Clears the entries of [start, end); tables left empty go by the address
 * space's strategy (under ptfree=off they stay). Map lock held. */
void zap_range(struct address_space *as, uint64_t start, uint64_t end, struct zap *z);

/* zap_range() for a range no region maps any more (munmap, a MAP_FIXED
 * replacement, brk shrink): under ptfree=off, tables whose whole range lies
 * inside go too. Map lock held for writing. */
void zap_unmap(struct address_space *as, uint64_t start, uint64_t end, struct zap *z);

/* Records that z answers for [start, end) (Z1): its shootdown covers that
 * range if it changes an entry or finds another zap in flight (Z3). */
void zap_cover(struct zap *z, uint64_t start, uint64_t end);

/* Called under the table lock before the caller removes or weakens a
 * present entry of 'as' for z: z must flush, and counts in
 * as->flush_pending until it has (Z2). */
void zap_note_change(struct address_space *as, struct zap *z);

/* Makes z flush [start, end) whatever it finds (no entry changed: a page
 * whose last reference a walker drops, mm/gup_fast.c). */
void zap_flush_range(struct zap *z, uint64_t start, uint64_t end);

/* Moves the shared objects no region uses any more to z->dropped (map lock
 * held for writing; after a change that removed regions). */
void zap_unused_objects(struct address_space *as, struct zap *z);

/* Flushes the TLBs of the CPUs where 'as' is loaded for what z covers, if
 * Z3 asks for it (entries and unlinked tables), now: fork, before it drops
 * the map lock. It waits for other CPUs: interrupts on, no spinlock and no
 * table lock held (checked; the map lock may be held: kernel/smp_call.h
 * says why). */
void zap_flush(struct address_space *as, struct zap *z);

/* zap_flush() if it has not run, then frees the pages and tables and drops
 * the objects; z is empty again. It may sleep (a grace period, when no
 * memory is left for an asynchronous free): interrupts on, preemption
 * enabled, so no lock held, the map lock included (checked in DEBUG
 * builds). */
void zap_finish(struct address_space *as, struct zap *z);

/* ---- Faults (mm/fault.c) ---- */

/* True if 'vma' allows the access (exec: an instruction fetch). */
bool vma_allows(const struct vma *vma, bool write, bool exec);

/*
 * Makes the page of 'va' (in 'vma') present for a read, or for a write if
 * 'write' (breaking copy-on-write; the entry stays read-only if the region
 * is, for execve's forced writes). A read of private memory with nothing
 * mapped maps the zero page (mm/user_page.h); a write to it gets a zeroed
 * frame, as copy-on-write does. The access is not checked against the
 * region: see vma_allows(). Map lock held (either side). Returns 0 or
 * -ENOMEM. A page replaced by copy-on-write is returned in *replaced (else
 * NULL), its entry's change in z: the caller drops it with
 * release_replaced() after zap_finish(z). With 'pin', *pin gets the page
 * now mapped with a reference taken under the table lock (drop it with
 * user_page_put()).
 */
int fault_in_locked(struct address_space *as, struct vma *vma, uint64_t va, bool write,
                    struct page **replaced, struct page **pin, struct zap *z);

/* Drops the reference on 'old' (NULL: nothing to do), a page that
 * fault_in_locked() replaced, once its zap has finished: until that
 * shootdown other CPUs may still read 'old' through the read-only entry,
 * and its other sharers may write it in place only once that is over
 * (Z4). */
void release_replaced(struct page *old);

/* Faults in the pages of [start, end) (page aligned) as reads, or writes
 * if 'write'. Returns 0, -ENOMEM (a hole, or no memory) or -EFAULT (an
 * access the region does not allow). No lock held. */
int as_populate(struct address_space *as, uint64_t start, uint64_t end, bool write);

#endif
