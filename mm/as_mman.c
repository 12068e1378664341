/* The memory system calls on a given address space; see mm/as_mman.h. */
#include "mm/as_mman.h"

#include "kernel/errno.h"
#include "mm/as_internal.h"
#include "mm/gup_fast.h"
#include "mm/kmalloc.h"
#include "mm/mmap_rules.h"
#include "mm/user_page.h"

#define PROT_ANY (PROT_READ | PROT_WRITE | PROT_EXEC)

/* True if mmap(len, flags) will want a shared object (mmap_prepare has
 * the last word). */
static bool wants_object(uint64_t len, uint64_t flags)
{
    uint64_t type = flags & MAP_TYPE;
    return (flags & MAP_ANONYMOUS) && (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) &&
           len && len <= USER_TOP;
}

long as_mmap(struct address_space *as, uint64_t addr, uint64_t len, uint64_t prot,
             uint64_t flags, bool fd_open, uint64_t off)
{
    /* memory for a shared object is taken before the lock; without it,
     * the argument errors still come first */
    struct shm_object *obj = NULL;
    struct shm_link *link = NULL;
    if (wants_object(len, flags)) {
        obj = shm_create(ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE);
        link = kmalloc(sizeof(*link));
    }
    struct vma vma;
    ZAP(z);
    write_lock(&as->map_lock);
    int err = mmap_prepare(&as->vmas, as->mmap_base, addr, len, prot, flags, fd_open, off, &vma);
    if (!err && (vma.flags & VMA_SHARED)) {
        vma.object = obj;
        if (!obj || !link)
            err = -ENOMEM;
    }
    if (!err)
        err = vma_insert(&as->vmas, &vma);
    if (!err) {
        zap_unmap(as, vma.start, vma.end, &z);
        if (vma.object) {
            *link = (struct shm_link){.obj = obj, .next = as->shm_links};
            as->shm_links = link;
            obj = NULL;
            link = NULL;
        }
        zap_unused_objects(as, &z);
    }
    write_unlock(&as->map_lock);
    zap_finish(as, &z);
    if (obj)
        shm_put(obj);
    kfree(link);
    if (err)
        return err;
    /* Linux ignores the result of populating; PROT_NONE is not populated */
    if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE && (vma.prot & PROT_ANY))
        as_populate(as, vma.start, vma.end,
                    (vma.prot & PROT_WRITE) && !(vma.flags & VMA_SHARED));
    return (long)vma.start;
}

int as_munmap(struct address_space *as, uint64_t addr, uint64_t len)
{
    uint64_t end;
    int err = munmap_check(addr, len, &end);
    if (err)
        return err;
    ZAP(z);
    write_lock(&as->map_lock);
    err = vma_remove(&as->vmas, addr, end);
    if (!err) {
        zap_unmap(as, addr, end, &z);
        zap_unused_objects(as, &z);
    }
    write_unlock(&as->map_lock);
    zap_finish(as, &z);
    return err;
}

struct reprotect {
    const struct vma *vma;
    struct zap *z;
};

/* upt_leaf_fn: rebuilds one entry from its region's new protection (the
 * entry stays in use: the count does not change). */
static int reprotect_entry(struct address_space *as, struct page *table, pte_t *slot,
                           uint64_t va, void *arg)
{
    (void)table;
    (void)va;
    struct reprotect *r = arg;
    pte_t e = pte_read(slot);
    if (!upte_has_page(e))
        return 0;
    struct page *page = upte_page(e);
    /* stable under the table lock, as in fault_in_locked() */
    bool alone = (r->vma->flags & VMA_SHARED) || user_page_refs(page) == 1;
    pte_t n = upte_make(page, r->vma->prot, alone);
    if (pte_same_mapping(n, e))
        return 0;
    if (pte_present(e))
        zap_note_change(as, r->z);
    pte_set(slot, n);
    return 0;
}

int as_mprotect(struct address_space *as, uint64_t start, uint64_t len, uint64_t prot)
{
    uint64_t lo, hi;
    ZAP(z);
    write_lock(&as->map_lock);
    int err = mprotect_apply(&as->vmas, start, len, prot, &lo, &hi);
    for (struct vma *vma = lo < hi ? vma_first_in(&as->vmas, lo, hi) : NULL;
         vma && vma->start < hi; vma = vma_next(&as->vmas, vma)) {
        uint64_t s = vma->start > lo ? vma->start : lo;
        uint64_t e = vma->end < hi ? vma->end : hi;
        struct reprotect r = {.vma = vma, .z = &z};
        upt_for_each(as, s, e, reprotect_entry, &r, &z);
        zap_cover(&z, s, e);
    }
    write_unlock(&as->map_lock);
    zap_finish(as, &z);
    return err;
}

struct advice {
    struct address_space *as;
    int advice;
    struct zap *z;
};

/* madvise_walk() callback: applies the advice to [s, e) of 'vma'. */
static int advise_region(struct vma_map *map, struct vma *vma, uint64_t s, uint64_t e,
                         void *arg)
{
    struct advice *a = arg;
    bool shared = vma->flags & VMA_SHARED;
    switch (a->advice) {
    case MADV_FREE:
        if (shared)
            return -EINVAL;
        zap_range(a->as, s, e, a->z);
        return 0;
    case MADV_DONTNEED:
    case MADV_DONTNEED_LOCKED:
        zap_range(a->as, s, e, a->z);
        return 0;
    case MADV_REMOVE:
        if (!shared)
            return -EINVAL;
        if (!(vma->prot & PROT_WRITE))
            return -EACCES;
        zap_range(a->as, s, e, a->z);
        shm_remove_pages(vma->object, vma->pgoff + ((s - vma->start) >> PAGE_SHIFT),
                         (e - s) >> PAGE_SHIFT, &a->z->freed);
        return 0;
    case MADV_DONTFORK:
        return vma_set_flags(map, s, e, 0, VMA_DONTFORK);
    case MADV_DOFORK:
        return vma_set_flags(map, s, e, VMA_DONTFORK, 0);
    case MADV_WIPEONFORK:
        return shared ? -EINVAL : vma_set_flags(map, s, e, 0, VMA_WIPEONFORK);
    case MADV_KEEPONFORK:
        return vma_set_flags(map, s, e, VMA_WIPEONFORK, 0);
    default:
        return 0; /* accepted, no effect */
    }
}

int as_madvise(struct address_space *as, uint64_t start, uint64_t len, int advice)
{
    uint64_t end;
    int err = madvise_check(start, len, advice, &end);
    if (err || end == start)
        return err;
    switch (advice) {
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        err = as_populate(as, start, end, advice == MADV_POPULATE_WRITE);
        return err == -EFAULT ? -EINVAL : err; /* Linux: a region that forbids it */
    case MADV_GUARD_INSTALL:
    case MADV_GUARD_REMOVE:
    case MADV_COLLAPSE:
        return -EINVAL;
    }
    /* only the fork advice changes regions; the rest runs beside faults */
    bool changes_regions = advice == MADV_DONTFORK || advice == MADV_DOFORK ||
                           advice == MADV_WIPEONFORK || advice == MADV_KEEPONFORK;
    ZAP(z);
    struct advice a = {.as = as, .advice = advice, .z = &z};
    if (changes_regions)
        write_lock(&as->map_lock);
    else
        read_lock(&as->map_lock);
    err = madvise_walk(&as->vmas, start, end, advise_region, &a);
    if (changes_regions)
        write_unlock(&as->map_lock);
    else
        read_unlock(&as->map_lock);
    zap_finish(as, &z);
    return err;
}

/* mincore's walk: vec[i] is the page at start + i pages. */
struct mincore_walk {
    uint64_t start;
    uint8_t *vec;
};

/* upt_leaf_fn for mincore: marks the page of 'va' resident in vec. */
static int mark_resident(struct address_space *as, struct page *table, pte_t *slot,
                         uint64_t va, void *arg)
{
    (void)table;
    struct mincore_walk *m = arg;
    (void)as;
    if (upte_has_page(pte_read(slot)))
        m->vec[(va - m->start) >> PAGE_SHIFT] = 1;
    return 0;
}

uint64_t as_mincore(struct address_space *as, uint64_t start, uint64_t pages, uint8_t *vec)
{
    ZAP(z);
    read_lock(&as->map_lock);
    uint64_t end = vma_mapped_end(&as->vmas, start, start + pages * PAGE_SIZE);
    uint64_t n = (end - start) >> PAGE_SHIFT;
    for (uint64_t i = 0; i < n; i++)
        vec[i] = 0;
    /* the lockless walker first (mm/gup_fast.h); the locked walk for the rest */
    uint64_t fast = gup_fast_present(as, start, n, vec);
    struct mincore_walk m = {start, vec};
    upt_for_each(as, start + fast * PAGE_SIZE, end, mark_resident, &m, &z);
    /* shared memory: in memory if its object holds the page */
    vma_for_each_in(&as->vmas, vma, start, end) {
        if (!(vma->flags & VMA_SHARED))
            continue;
        uint64_t s = vma->start > start ? vma->start : start;
        uint64_t e = vma->end < end ? vma->end : end;
        for (uint64_t va = s; va < e; va += PAGE_SIZE)
            vec[(va - start) >> PAGE_SHIFT] |=
                shm_has_page(vma->object, vma->pgoff + ((va - vma->start) >> PAGE_SHIFT));
    }
    read_unlock(&as->map_lock);
    zap_finish(as, &z);
    return n;
}

uint64_t as_brk(struct address_space *as, uint64_t req)
{
    uint64_t lo, hi;
    ZAP(z);
    write_lock(&as->map_lock);
    uint64_t brk = brk_apply(&as->vmas, as->start_brk, &as->brk, req, &lo, &hi);
    if (lo < hi) {
        zap_unmap(as, lo, hi, &z);
        zap_unused_objects(as, &z);
    }
    write_unlock(&as->map_lock);
    zap_finish(as, &z);
    return brk;
}
