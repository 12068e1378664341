/*
 * User address spaces: creation, fork, switching, teardown, and zaps (the
 * removal of entries with the TLB shootdown that must precede freeing what
 * they mapped). See mm/as.h and docs/userspace.md.
 */
#include "mm/as.h"

#include "arch/x86_64/mmu.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/smp_call.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "mm/as_internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/user_page.h"

/* True if the CPU enforces no-execute: set by as_create(), before any user
 * entry exists (the same value each time). */
static bool user_nx;

/* Every address space, for the reclaim passes: as_create() adds it, the
 * last as_put() takes it out, both under registry_lock, which also guards
 * each one's reclaim_pass. A leaf lock: nothing is taken under it. */
static struct spinlock registry_lock = SPINLOCK_INIT("as registry");
static struct list registry;

pte_t upte_make(struct page *page, uint32_t prot, bool writable)
{
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return mk_protnone_pte(page_to_phys(page));
    bool nx = !(prot & PROT_EXEC) && __atomic_load_n(&user_nx, __ATOMIC_RELAXED);
    return mk_user_pte(page_to_phys(page), writable && (prot & PROT_WRITE) && !is_zero_page(page),
                       nx);
}

struct address_space *as_create(void)
{
    struct address_space *as = kzalloc(sizeof(*as));
    struct page *pml4 = frame_alloc_user(true);
    if (!as || !pml4) {
        kfree(as);
        if (pml4)
            frame_free(pml4, 0);
        return NULL;
    }
    __atomic_store_n(&user_nx, arch_nx_enabled(), __ATOMIC_RELAXED);
    pte_t *root = page_to_virt(pml4);
    const pte_t *kernel_root = phys_to_virt(kernel_pml4_phys);
    for (int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
        pte_set(&root[i], pte_read(&kernel_root[i]));
    as->root = page_to_phys(pml4);
    pt_init_page(pml4, PT_LEVELS, NULL, 0, false);
    as->ptfree = pt_default_strategy();
    as->ptreclaim = pt_default_reclaim();
    spin_init(&as->idle.lock, "pt idle list");
    rwlock_init(&as->map_lock, "as map");
    vma_map_init(&as->vmas, VMA_MAX_COUNT_DEFAULT);
    as->users = 1;
    as->mmap_base = MMAP_BASE;
    __atomic_add_fetch(&user_pt_pages_total, 1, __ATOMIC_RELAXED);
    spin_lock(&registry_lock);
    list_push_tail(&registry, &as->all);
    spin_unlock(&registry_lock);
    return as;
}

void as_get(struct address_space *as)
{
    __atomic_add_fetch(&as->users, 1, __ATOMIC_RELAXED);
}

void as_put(struct address_space *as)
{
    if (__atomic_sub_fetch(&as->users, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    spin_lock(&registry_lock);
    list_remove(&registry, &as->all);
    spin_unlock(&registry_lock);
    ASSERT(__atomic_load_n(&as->active_cpus, __ATOMIC_ACQUIRE) == 0);
    ASSERT(__atomic_load_n(&as->flush_pending, __ATOMIC_ACQUIRE) == 0); /* Z2 */
#ifdef DEBUG
    if (pt_audit(as))
        panic("address space %p: page-table counts wrong at teardown (see above)", as);
#endif
    upt_free_all(as);
    while (as->shm_links) {
        struct shm_link *link = as->shm_links;
        as->shm_links = link->next;
        shm_put(link->obj);
        kfree(link);
    }
    vma_map_destroy(&as->vmas);
    pt_free_page(as_root_table(as));
    kfree(as);
}

/* A reference on 'as' unless its last one is gone (it is being torn
 * down); true if it took one. */
static bool as_get_unless_zero(struct address_space *as)
{
    int users = __atomic_load_n(&as->users, __ATOMIC_RELAXED); /* a guess: the CAS checks */
    while (users > 0)
        if (__atomic_compare_exchange_n(&as->users, &users, users + 1, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return true;
    return false;
}

struct address_space *as_next_to_reclaim(uint64_t pass, bool lazy_only)
{
    struct address_space *best;
    spin_lock(&registry_lock);
    do {
        best = NULL;
        for (struct list_node *n = registry.head; n; n = n->next) {
            struct address_space *as = list_entry(n, struct address_space, all);
            if (as->reclaim_pass == pass || !__atomic_load_n(&as->idle.count, __ATOMIC_RELAXED) ||
                (lazy_only && as->ptreclaim != PTRECLAIM_LAZY))
                continue;
            if (!best || __atomic_load_n(&as->pt_pages, __ATOMIC_RELAXED) >
                             __atomic_load_n(&best->pt_pages, __ATOMIC_RELAXED))
                best = as;
        }
        if (best)
            best->reclaim_pass = pass; /* taken, or dying: not again */
    } while (best && !as_get_unless_zero(best));
    spin_unlock(&registry_lock);
    return best;
}

void as_switch(struct address_space *prev, struct address_space *next)
{
    if (prev == next)
        return;
    cpumask_t bit = 1ull << this_cpu_id();
    /* The bit is set before the load and cleared after it, so a shootdown
     * that reads active_cpus after changing an entry reaches every CPU
     * that may hold a translation made from the old entry. */
    if (next)
        __atomic_fetch_or(&next->active_cpus, bit, __ATOMIC_SEQ_CST);
    arch_load_root(next ? next->root : kernel_pml4_phys);
    if (prev)
        __atomic_fetch_and(&prev->active_cpus, ~bit, __ATOMIC_SEQ_CST);
}

/* ---- Zaps ---- */

/* upt_leaf_fn: clears one entry into the zap 'arg'. */
static int zap_entry(struct address_space *as, struct page *table, pte_t *slot, uint64_t va,
                     void *arg)
{
    (void)va;
    struct zap *z = arg;
    pte_t e = pte_read(slot);
    /* A PROT_NONE entry needs no flush of its own: if the mprotect that
     * made it has not flushed yet, it still counts in flush_pending (Z3). */
    if (pte_present(e))
        zap_note_change(as, z);
    upte_set(as, table, slot, 0);
    if (!upte_has_page(e))
        return 0;
    struct page *page = upte_page(e);
    if (user_page_put_last(page)) {
        page->next = z->freed;
        z->freed = page;
    }
    return 0;
}

void zap_range(struct address_space *as, uint64_t start, uint64_t end, struct zap *z)
{
    upt_for_each(as, start, end, zap_entry, z, z);
    zap_cover(z, start, end);
}

void zap_unmap(struct address_space *as, uint64_t start, uint64_t end, struct zap *z)
{
    assert_write_held(&as->map_lock);
    upt_for_each_unmap(as, start, end, zap_entry, z, z);
    zap_cover(z, start, end);
}

void zap_cover(struct zap *z, uint64_t start, uint64_t end)
{
    tlb_batch_add(&z->tlb, start, end);
}

void zap_note_change(struct address_space *as, struct zap *z)
{
    z->flush = true;
    if (z->counted)
        return;
    z->counted = true;
    /* a locked instruction, before the entry's store and the table unlock */
    __atomic_add_fetch(&as->flush_pending, 1, __ATOMIC_SEQ_CST);
}

void zap_flush_range(struct zap *z, uint64_t start, uint64_t end)
{
    zap_cover(z, start, end);
    z->flush = true;
}

/* True if a region of 'as' points to 'obj'. */
static bool object_used(struct address_space *as, const struct shm_object *obj)
{
    vma_for_each_in(&as->vmas, vma, 0, USER_TOP)
        if (vma->object == obj)
            return true;
    return false;
}

void zap_unused_objects(struct address_space *as, struct zap *z)
{
    struct shm_link **link = &as->shm_links;
    while (*link) {
        struct shm_link *l = *link;
        if (object_used(as, l->obj)) {
            link = &l->next;
            continue;
        }
        *link = l->next;
        l->next = z->dropped;
        z->dropped = l;
    }
}

void zap_flush(struct address_space *as, struct zap *z)
{
    ASSERT(irqs_enabled());
    assert_no_locks_held("zap_flush");
    if (z->flushed)
        return;
    z->flushed = true;
    if (z->pt.count) {
        /* a flush of one page empties the paging-structure caches
         * (arch/x86_64/mmu.h; R6) */
        tlb_batch_add(&z->tlb, z->pt.flush_va, z->pt.flush_va + PAGE_SIZE);
        z->flush = true;
    }
    ASSERT(!z->flush || !tlb_batch_empty(&z->tlb));
    /* entries were changed and read before: order those accesses before
     * the loads of flush_pending and active_cpus */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    int others = __atomic_load_n(&as->flush_pending, __ATOMIC_ACQUIRE) - (z->counted ? 1 : 0);
    if ((z->flush || others > 0) && !tlb_batch_empty(&z->tlb)) { /* Z3 */
        z->flushed_cpus = __atomic_load_n(&as->active_cpus, __ATOMIC_RELAXED) &
                          __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
        tlb_batch_flush(&z->tlb, z->flushed_cpus);
    }
    if (z->counted) { /* Z2: after the acknowledgements */
        __atomic_sub_fetch(&as->flush_pending, 1, __ATOMIC_RELEASE);
        z->counted = false;
    }
}

void zap_finish(struct address_space *as, struct zap *z)
{
#ifdef DEBUG
    if (!preemptible())
        panic("zap_finish with interrupts off or preemption disabled (a lock held): it "
              "waits for other CPUs and may sleep");
#endif
    zap_flush(as, z);
    pt_gather_finish(as, &z->pt, z->flushed_cpus);
    while (z->freed) {
        struct page *page = z->freed;
        z->freed = page->next;
        page->next = NULL;
        frame_free(page, 0);
    }
    while (z->dropped) {
        struct shm_link *link = z->dropped;
        z->dropped = link->next;
        shm_put(link->obj);
        kfree(link);
    }
    *z = (struct zap)ZAP_INIT;
}

#ifdef DEBUG
void zap_check_finished(struct zap *z)
{
    if (!tlb_batch_empty(&z->tlb) || z->flush || z->counted || z->freed || z->dropped ||
        z->pt.count)
        panic("a zap went out of scope unfinished (ranges %d%s, %s%s%s%s%d tables): "
              "zap_finish() was not called", z->tlb.count, z->tlb.full ? " (full)" : "",
              z->flush ? "must flush, " : "", z->counted ? "counted in flush_pending, " : "",
              z->freed ? "pages to free, " : "", z->dropped ? "objects to drop, " : "",
              z->pt.count);
}
#endif

/* ---- fork ---- */

struct fork_copy {
    struct address_space *child;
    const struct vma *vma;     /* the region being copied */
    struct zap *zap;           /* the parent's: its write-protected entries */
    struct zap *child_zap;     /* the child's table references go there */
};

/* The child's entry for the parent's entry 'e' (a page, parent's table
 * lock held): the same page, read-only on both sides; or, for a page
 * pinned (mm/as.h, "Pins and fork"), a copy of its own, the parent's
 * entry left as it is. Returns 0 or -ENOMEM. */
static int child_entry(struct address_space *parent, struct page *table, pte_t *slot,
                       struct fork_copy *copy, pte_t *out)
{
    pte_t e = pte_read(slot);
    struct page *page = upte_page(e);
    if (pte_writable(e) && user_page_refs(page) > 1) {
        struct page *mine = frame_alloc_user(false);
        if (!mine)
            return -ENOMEM;
        memcpy(page_to_virt(mine), page_to_virt(page), PAGE_SIZE);
        *out = upte_make(mine, copy->vma->prot, true);
        return 0;
    }
    if (pte_writable(e)) {
        zap_note_change(parent, copy->zap);
        e = pte_wrprotect(e);
        upte_set(parent, table, slot, e);
    }
    user_page_get(page);
    *out = e;
    return 0;
}

/* upt_leaf_fn over the parent (its table locked): gives the child its
 * entry for one page (child_entry()). */
static int copy_entry(struct address_space *parent, struct page *table, pte_t *slot,
                      uint64_t va, void *arg)
{
    struct fork_copy *copy = arg;
    if (!upte_has_page(pte_read(slot)))
        return 0;
    struct page *child_table = upt_leaf_get(copy->child, va, true, copy->child_zap);
    if (!child_table)
        return -ENOMEM;
    pte_t e;
    int err = child_entry(parent, table, slot, copy, &e);
    if (!err) {
        pt_lock(child_table);
        upte_set(copy->child, child_table, pt_slot(child_table, va), e);
        pt_unlock(child_table);
    }
    pt_put(copy->child, &copy->child_zap->pt, child_table);
    return err;
}

/* Gives 'child' the parent's region 'vma' and, for private memory, its
 * pages copy-on-write; shared regions fault their pages in from the
 * object. The parent's map lock held for writing. */
static int fork_region(struct address_space *parent, struct address_space *child,
                       const struct vma *vma, struct zap *z, struct zap *child_zap)
{
    if (vma->flags & VMA_DONTFORK)
        return 0;
    int err = vma_insert(&child->vmas, vma);
    if (err || (vma->flags & (VMA_SHARED | VMA_WIPEONFORK)))
        return err;
    struct fork_copy copy = {.child = child, .vma = vma, .zap = z, .child_zap = child_zap};
    zap_cover(z, vma->start, vma->end);
    return upt_for_each(parent, vma->start, vma->end, copy_entry, &copy, z);
}

/* Gives 'child' a reference on each shared object of 'parent'. */
static int fork_objects(struct address_space *parent, struct address_space *child)
{
    for (struct shm_link *l = parent->shm_links; l; l = l->next) {
        struct shm_link *link = kmalloc(sizeof(*link));
        if (!link)
            return -ENOMEM;
        shm_get(l->obj);
        *link = (struct shm_link){.obj = l->obj, .next = child->shm_links};
        child->shm_links = link;
    }
    return 0;
}

struct address_space *as_fork(struct address_space *parent)
{
    struct address_space *child = as_create();
    if (!child)
        return NULL;
    child->ptfree = parent->ptfree; /* before any table of the child exists */
    child->ptreclaim = parent->ptreclaim;
    ZAP(z);
    ZAP(child_zap);
    write_lock(&parent->map_lock);
    write_lock(&child->map_lock); /* nobody else can reach it: R1 in letter */
    child->start_brk = parent->start_brk;
    child->strings = parent->strings;
    child->brk = parent->brk;
    child->mmap_base = parent->mmap_base;
    int err = fork_objects(parent, child);
    vma_for_each_in(&parent->vmas, vma, 0, USER_TOP) {
        if (err)
            break;
        err = fork_region(parent, child, vma, &z, &child_zap);
    }
    write_unlock(&child->map_lock);
    zap_flush(parent, &z); /* the parent's write-protected entries */
    write_unlock(&parent->map_lock);
    zap_finish(parent, &z);
    zap_finish(child, &child_zap);
    if (err) {
        as_put(child);
        return NULL;
    }
    as_audit_op(parent, "fork (the parent)");
    as_audit_op(child, "fork (the child)");
    return child;
}

int as_map_anon(struct address_space *as, uint64_t start, uint64_t len, uint32_t prot,
                uint32_t vma_flags)
{
    if (start % PAGE_SIZE || len % PAGE_SIZE || !len || start >= USER_TOP ||
        len > USER_TOP - start || (vma_flags & VMA_SHARED))
        return -EINVAL;
    struct vma vma = {
        .start = start,
        .end = start + len,
        .prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
        .flags = vma_flags,
    };
    ZAP(z);
    write_lock(&as->map_lock);
    int err = vma_insert(&as->vmas, &vma);
    if (!err) {
        zap_unmap(as, vma.start, vma.end, &z);
        zap_unused_objects(as, &z);
    }
    write_unlock(&as->map_lock);
    zap_finish(as, &z);
    return err;
}

int as_audit(struct address_space *as)
{
    write_lock(&as->map_lock);
    int errors = pt_audit(as);
    write_unlock(&as->map_lock);
    return errors;
}

#ifdef DEBUG
void as_audit_op(struct address_space *as, const char *op)
{
    static int enabled = -1; /* the command line's answer, once known */
    if (enabled < 0)
        enabled = cmdline_get(&kernel_cmdline, "ptaudit") != NULL;
    if (enabled && as_audit(as))
        panic("ptaudit: address space %p: page-table counts wrong after %s (see above)", as, op);
}
#endif

uint64_t as_rss_bytes(struct address_space *as)
{
    return __atomic_load_n(&as->rss_pages, __ATOMIC_RELAXED) * PAGE_SIZE;
}

uint64_t as_pgtable_bytes(struct address_space *as)
{
    return __atomic_load_n(&as->pt_pages, __ATOMIC_RELAXED) * PAGE_SIZE;
}

uint64_t as_pgtable_bytes_total(void)
{
    return __atomic_load_n(&user_pt_pages_total, __ATOMIC_RELAXED) * PAGE_SIZE;
}
