/*
 * Page faults: demand-zero pages, shared-object pages, copy-on-write and
 * stack growth; and the accesses that behave like faults (as_access,
 * populating). See mm/as.h and docs/userspace.md.
 */
#include "arch/x86_64/mmu.h"
#include "kernel/errno.h"
#include "kernel/oom.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/as_internal.h"
#include "mm/frame.h"
#include "mm/gup_fast.h"
#include "mm/mmap_rules.h"
#include "mm/user_page.h"

bool vma_allows(const struct vma *vma, bool write, bool exec)
{
    if (write)
        return vma->prot & PROT_WRITE;
    if (exec)
        return vma->prot & PROT_EXEC;
    return vma->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* The page a first access to 'va' in 'vma' maps, with one reference for
 * the entry that will map it: the object's page for shared memory; for
 * private memory, a zeroed frame for a write, the zero page for a read
 * (ZP1: no reference). NULL without memory. */
static struct page *new_page(struct vma *vma, uint64_t va, bool write)
{
    if (vma->flags & VMA_SHARED)
        return shm_get_page(vma->object, vma->pgoff + ((va - vma->start) >> PAGE_SHIFT));
    return write ? frame_alloc_user(true) : zero_page;
}

/* Under the leaf table's lock: makes the read-only entry 'e' at 'slot'
 * writable for a write fault, in place if its page is the region's alone,
 * else by a copy (of zeros for the zero page: ZP2), whose old page goes to
 * *replaced. 0 or -ENOMEM. */
static int break_cow(struct address_space *as, struct vma *vma, struct page *table,
                     pte_t *slot, uint64_t va, pte_t e, struct page **replaced, struct zap *z)
{
    struct page *page = upte_page(e);
    bool zero = is_zero_page(page);
    /* The count is stable here: a fork of this address space (which adds
     * references) holds the map lock for writing, and pins are taken under
     * this table's lock. */
    if (!zero && ((vma->flags & VMA_SHARED) || user_page_refs(page) == 1)) {
        upte_set(as, table, slot, upte_make(page, vma->prot, true));
        return 0;
    }
    struct page *copy = frame_alloc_user(zero);
    if (!copy)
        return -ENOMEM;
    if (!zero)
        memcpy(page_to_virt(copy), page_to_virt(page), PAGE_SIZE);
    zap_note_change(as, z);
    zap_cover(z, va, va + PAGE_SIZE);
    upte_set(as, table, slot, upte_make(copy, vma->prot, true));
    *replaced = page;
    return 0;
}

int fault_in_locked(struct address_space *as, struct vma *vma, uint64_t va, bool write,
                    struct page **replaced, struct page **pin, struct zap *z)
{
    *replaced = NULL;
    va = ALIGN_DOWN(va, PAGE_SIZE);
    struct page *table = upt_leaf_get(as, va, true, z);
    if (!table)
        return -ENOMEM;
    pte_t *slot = pt_slot(table, va);
    int err = 0;
    pt_lock(table);
    pte_t e = pte_read(slot);
    if (!upte_has_page(e)) {
        struct page *page = new_page(vma, va, write);
        if (page)
            upte_set(as, table, slot, upte_make(page, vma->prot, true));
        else
            err = -ENOMEM;
    } else if (write && !pte_writable(e)) {
        err = break_cow(as, vma, table, slot, va, e, replaced, z);
    }
    if (!err && pin) {
        *pin = upte_page(pte_read(slot));
        user_page_get(*pin);
    }
    pt_unlock(table);
    pt_put(as, &z->pt, table);
    return err;
}

void release_replaced(struct page *old)
{
    if (old)
        user_page_put(old);
}

/*
 * The region for a fault at 'addr', which no region contains, if it lies
 * below a VMA_GROWSDOWN region that may grow down to it (Linux's
 * expand_downwards: at most STACK_GROW_LIMIT, not below MMAP_MIN_ADDR,
 * STACK_GUARD_GAP above an accessible region below). NULL otherwise, or
 * without memory for the region. Map lock held for writing.
 */
static struct vma *grow_stack(struct address_space *as, uint64_t addr)
{
    struct vma *stack = vma_first_above(&as->vmas, addr);
    if (!stack || !(stack->flags & VMA_GROWSDOWN))
        return NULL;
    uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);
    if (start < MMAP_MIN_ADDR || stack->end - start > STACK_GROW_LIMIT)
        return NULL;
    struct vma *prev = vma_prev(&as->vmas, stack);
    if (prev && !(prev->flags & VMA_GROWSDOWN) &&
        (prev->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) &&
        start - prev->end < STACK_GUARD_GAP)
        return NULL;
    struct vma grown = *stack;
    grown.start = start;
    grown.end = stack->start;
    if (vma_insert(&as->vmas, &grown))
        return NULL;
    return vma_find(&as->vmas, addr);
}

/* One try of as_fault() at a user address. */
static int fault_once(struct address_space *as, uint64_t addr, bool write, bool exec)
{
    struct page *replaced = NULL;
    ZAP(z);
    int err = -EFAULT;
    bool writer = false;
    read_lock(&as->map_lock);
    struct vma *vma = vma_find(&as->vmas, addr);
    if (!vma) {
        /* stack growth changes the map */
        read_unlock(&as->map_lock);
        write_lock(&as->map_lock);
        writer = true;
        vma = vma_find(&as->vmas, addr);
        if (!vma)
            vma = grow_stack(as, addr);
    }
    if (vma && vma_allows(vma, write, exec))
        err = fault_in_locked(as, vma, addr, write, &replaced, NULL, &z);
    if (writer)
        write_unlock(&as->map_lock);
    else
        read_unlock(&as->map_lock);
    zap_finish(as, &z);
    release_replaced(replaced);
    return err;
}

int as_fault(struct address_space *as, uint64_t addr, uint32_t pf_error)
{
    bool write = pf_is_write(pf_error), exec = pf_is_fetch(pf_error);
    pt_trace_sampled(PT_EV_FAULT, addr);
#ifdef DEBUG
    /* prune sets no reserved bit but in PTE_POISON (arch/x86_64/mmu.h) */
    if (addr < USER_TOP && pf_hit_reserved_bit(pf_error))
        printk("page-table use-after-free? reserved-bit fault at %lx: the MMU may have "
               "walked a poisoned (freed) table\n", addr);
#endif
    if (addr >= USER_TOP || pf_hit_reserved_bit(pf_error))
        return -EFAULT;
    int err;
    do
        err = fault_once(as, addr, write, exec);
    while (err == -ENOMEM && oom_retry()); /* O2 */
    as_audit_op(as, "a page fault");
    return err;
}

bool as_has_region(struct address_space *as, uint64_t addr)
{
    read_lock(&as->map_lock);
    bool found = vma_find(&as->vmas, addr) != NULL;
    read_unlock(&as->map_lock);
    return found;
}

/* One try of as_access() on the page of 'va', for 'chunk' bytes at kbuf. */
static int access_page(struct address_space *as, uint64_t va, void *kbuf, size_t chunk,
                       bool write, bool force)
{
    struct page *replaced = NULL, *page = NULL;
    ZAP(z);
    int err = -EFAULT;
    read_lock(&as->map_lock);
    struct vma *vma = vma_find(&as->vmas, va);
    if (vma && (force || vma_allows(vma, write, false)))
        err = fault_in_locked(as, vma, va, write, &replaced, &page, &z);
    read_unlock(&as->map_lock);
    if (!err)
        user_page_copy(page, va % PAGE_SIZE, kbuf, chunk, write);
    zap_finish(as, &z);
    release_replaced(replaced);
    if (page)
        gup_fast_unpin(as, ALIGN_DOWN(va, PAGE_SIZE), page);
    return err;
}

size_t as_access(struct address_space *as, uint64_t addr, void *kbuf, size_t len, bool write,
                 bool force)
{
    size_t done = 0;
    while (done < len) {
        uint64_t va = addr + done;
        if (va < addr || va >= USER_TOP)
            break;
        size_t chunk = PAGE_SIZE - va % PAGE_SIZE;
        if (chunk > len - done)
            chunk = len - done;
        int err;
        do
            err = access_page(as, va, (char *)kbuf + done, chunk, write, force);
        while (err == -ENOMEM && oom_retry()); /* O2 */
        if (err)
            break;
        done += chunk;
    }
    as_audit_op(as, "as_access");
    return done;
}

/* One try of as_populate() on the page of 'va': 0, -EFAULT (an access the
 * region does not allow), -ENOMEM with *hole set (no region) or clear (no
 * memory). */
static int populate_page(struct address_space *as, uint64_t va, bool write, bool *hole)
{
    struct page *replaced = NULL;
    ZAP(z);
    read_lock(&as->map_lock);
    struct vma *vma = vma_find(&as->vmas, va);
    *hole = !vma;
    int err = -ENOMEM;
    if (vma)
        err = vma_allows(vma, write, false)
                  ? fault_in_locked(as, vma, va, write, &replaced, NULL, &z)
                  : -EFAULT;
    read_unlock(&as->map_lock);
    zap_finish(as, &z);
    release_replaced(replaced);
    return err;
}

int as_populate(struct address_space *as, uint64_t start, uint64_t end, bool write)
{
    int err = 0;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        bool hole;
        do
            err = populate_page(as, va, write, &hole);
        while (err == -ENOMEM && !hole && oom_retry()); /* O2 */
        if (err)
            break;
    }
    as_audit_op(as, "populating");
    return err;
}
