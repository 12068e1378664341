/*
 * Page faults: demand-zero pages, shared-object pages, copy-on-write and
 * stack growth; and the accesses that behave like faults (as_access,
 * populating). See mm/as.h and docs/userspace.md.
 */
#include "arch/x86_64/trap.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/as_internal.h"
#include "mm/frame.h"
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

/* A page for 'va' in 'vma' with one reference for the entry that will map
 * it: a zeroed frame for private memory, the object's page for shared
 * memory. NULL without memory. */
static struct page *new_page(struct vma *vma, uint64_t va)
{
    if (vma->flags & VMA_SHARED)
        return shm_get_page(vma->object, vma->pgoff + ((va - vma->start) >> PAGE_SHIFT));
    return frame_alloc_zeroed(0);
}

int fault_in_locked(struct address_space *as, struct vma *vma, uint64_t va, bool write,
                    struct page **replaced)
{
    *replaced = NULL;
    va = ALIGN_DOWN(va, PAGE_SIZE);
    pte_t *slot = upt_walk(as, va, true);
    if (!slot)
        return -ENOMEM;
    pte_t e = pte_read(slot);
    if (!upte_has_page(e)) {
        struct page *page = new_page(vma, va);
        if (!page)
            return -ENOMEM;
        pte_set(slot, upte_make(page, vma->prot, true));
        as_count(&as->rss_pages, 1);
        return 0;
    }
    if (!write || pte_writable(e))
        return 0;
    struct page *page = upte_page(e);
    /* The count is stable here: only a fork of this address space (which
     * takes as->lock) adds references to its private pages. */
    if ((vma->flags & VMA_SHARED) || user_page_refs(page) == 1) {
        pte_set(slot, upte_make(page, vma->prot, true));
        return 0;
    }
    struct page *copy = frame_alloc(0);
    if (!copy)
        return -ENOMEM;
    memcpy(page_to_virt(copy), page_to_virt(page), PAGE_SIZE);
    pte_set(slot, upte_make(copy, vma->prot, true));
    *replaced = page;
    return 0;
}

void release_replaced(struct address_space *as, uint64_t va, struct page *old)
{
    if (!old)
        return;
    /* Other CPUs may still read 'old' through the read-only entry: its
     * other sharers may write it in place only once that is over. */
    struct zap z = ZAP_INIT;
    zap_flush_range(&z, va, va + PAGE_SIZE);
    zap_finish(as, &z);
    user_page_put(old);
}

/*
 * The region for a fault at 'addr', which no region contains, if it lies
 * below a VMA_GROWSDOWN region that may grow down to it (Linux's
 * expand_downwards: at most STACK_GROW_LIMIT, not below MMAP_MIN_ADDR,
 * STACK_GUARD_GAP above an accessible region below). NULL otherwise, or
 * without memory for the region. as->lock held.
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

int as_fault(struct address_space *as, uint64_t addr, uint32_t pf_error)
{
    bool write = pf_error & PF_W, exec = pf_error & PF_I;
    if (addr >= USER_TOP || (pf_error & PF_RSVD))
        return -EFAULT;
    struct page *replaced = NULL;
    int err = -EFAULT;
    spin_lock(&as->lock);
    struct vma *vma = vma_find(&as->vmas, addr);
    if (!vma)
        vma = grow_stack(as, addr);
    if (vma && vma_allows(vma, write, exec))
        err = fault_in_locked(as, vma, addr, write, &replaced);
    spin_unlock(&as->lock);
    release_replaced(as, ALIGN_DOWN(addr, PAGE_SIZE), replaced);
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
        struct page *replaced = NULL;
        int err = -EFAULT;
        spin_lock(&as->lock);
        struct vma *vma = vma_find(&as->vmas, va);
        if (vma && (force || vma_allows(vma, write, false)))
            err = fault_in_locked(as, vma, va, write, &replaced);
        if (!err) {
            pte_t e = pte_read(upt_walk(as, va, false));
            char *user = (char *)page_to_virt(upte_page(e)) + va % PAGE_SIZE;
            char *kernel = (char *)kbuf + done;
            if (write)
                memcpy(user, kernel, chunk);
            else
                memcpy(kernel, user, chunk);
        }
        spin_unlock(&as->lock);
        release_replaced(as, ALIGN_DOWN(va, PAGE_SIZE), replaced);
        if (err)
            break;
        done += chunk;
    }
    return done;
}

int as_populate(struct address_space *as, uint64_t start, uint64_t end, bool write)
{
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        struct page *replaced = NULL;
        spin_lock(&as->lock);
        struct vma *vma = vma_find(&as->vmas, va);
        int err = -ENOMEM;
        if (vma)
            err = vma_allows(vma, write, false) ? fault_in_locked(as, vma, va, write, &replaced)
                                                : -EFAULT;
        spin_unlock(&as->lock);
        release_replaced(as, va, replaced);
        if (err)
            return err;
    }
    return 0;
}
