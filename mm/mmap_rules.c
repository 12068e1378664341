/*
 * Linux x86_64's argument rules for the memory system calls; see
 * mm/mmap_rules.h. Each check names the Linux 6.18 function it mirrors.
 */
#include "mm/mmap_rules.h"

#include "kernel/errno.h"

#define PAGE_OFFSET_MASK (PAGE_SIZE - 1)

/* PAGE_ALIGN(x) as Linux: 0 if rounding up wraps. */
static uint64_t page_align(uint64_t x)
{
    return (x + PAGE_OFFSET_MASK) & ~PAGE_OFFSET_MASK;
}

/* Linux's round_hint_to_min(): a non-zero hint below MMAP_MIN_ADDR is raised. */
static uint64_t round_hint_to_min(uint64_t hint)
{
    hint &= ~PAGE_OFFSET_MASK;
    return hint && hint < MMAP_MIN_ADDR ? MMAP_MIN_ADDR : hint;
}

/* True if the page-aligned hint addr is non-zero and [addr, addr + len)
 * is free, guard gaps counted (x86's mmap_address_hint_valid() + find_vma()). */
static bool hint_free(const struct vma_map *map, uint64_t addr, uint64_t len)
{
    if (!addr || USER_TOP - len < addr)
        return false;
    struct vma *next = vma_first_above(map, addr);
    return !next || addr + len <= vma_start_gap(next);
}

/* Linux's __get_unmapped_area() with x86's
 * arch_get_unmapped_area_topdown(); see mm/mmap_rules.h. */
int mmap_find_area(const struct vma_map *map, uint64_t mmap_base, uint64_t addr, uint64_t len,
                   bool fixed, uint64_t *out)
{
    if (len > USER_TOP)
        return -ENOMEM;
    if (!fixed) {
        addr &= ~PAGE_OFFSET_MASK;
        if (!hint_free(map, addr, len) &&
            vma_gap_topdown(map, len, PAGE_SIZE, mmap_base, &addr) &&
            vma_gap_bottomup(map, len, MMAP_LEGACY_BASE, USER_TOP, &addr))
            return -ENOMEM;
    }
    if (addr > USER_TOP - len)
        return -ENOMEM;
    if (addr & PAGE_OFFSET_MASK)
        return -EINVAL;
    if (addr < MMAP_MIN_FIXED)
        return -EPERM; /* security_mmap_addr(), without CAP_SYS_RAWIO */
    *out = addr;
    return 0;
}

int mmap_prepare(const struct vma_map *map, uint64_t mmap_base, uint64_t addr, uint64_t len,
                 uint64_t prot, uint64_t flags, bool fd_open, uint64_t off, struct vma *out)
{
    bool anon = flags & MAP_ANONYMOUS;
    /* x86's sys_mmap(), then ksys_mmap_pgoff() */
    if (off & PAGE_OFFSET_MASK)
        return -EINVAL;
    if (!anon && !fd_open)
        return -EBADF;
    if (!anon && (flags & MAP_HUGETLB))
        return -EINVAL; /* not a hugetlbfs file */
    if (anon && (flags & MAP_HUGETLB) && len)
        return -ENOMEM; /* no huge pages reserved, like vm.nr_hugepages = 0 */
    /* do_mmap() */
    if (!len)
        return -EINVAL;
    if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED;
    if (!(flags & MAP_FIXED))
        addr = round_hint_to_min(addr);
    len = page_align(len);
    if (!len)
        return -ENOMEM;
    if (map->count > map->max_count)
        return -ENOMEM;
    int err = mmap_find_area(map, mmap_base, addr, len, flags & MAP_FIXED, &addr);
    if (err)
        return err;
    if ((flags & MAP_FIXED_NOREPLACE) && vma_first_in(map, addr, addr + len))
        return -EEXIST;
    uint32_t vma_flags = flags & MAP_GROWSDOWN ? VMA_GROWSDOWN : 0;
    if (!anon) {
        uint64_t type = flags & MAP_TYPE;
        bool known = type == MAP_SHARED || type == MAP_SHARED_VALIDATE || type == MAP_PRIVATE;
        return known ? -ENODEV : -EINVAL;
    }
    switch (flags & MAP_TYPE) {
    case MAP_SHARED:
        if (vma_flags & VMA_GROWSDOWN)
            return -EINVAL;
        vma_flags |= VMA_SHARED;
        break;
    case MAP_DROPPABLE:
        if ((flags & MAP_LOCKED) || (vma_flags & VMA_GROWSDOWN))
            return -EINVAL;
        vma_flags |= VMA_DROPPABLE;
        break;
    case MAP_PRIVATE:
        break;
    default:
        return -EINVAL;
    }
    *out = (struct vma){
        .start = addr,
        .end = addr + len,
        .prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
        .flags = vma_flags,
    };
    return 0;
}

int munmap_check(uint64_t addr, uint64_t len, uint64_t *end)
{
    /* do_vmi_munmap() */
    if ((addr & PAGE_OFFSET_MASK) || addr > USER_TOP || len > USER_TOP - addr)
        return -EINVAL;
    *end = addr + page_align(len);
    return *end == addr ? -EINVAL : 0;
}

int mprotect_apply(struct vma_map *map, uint64_t start, uint64_t len, uint64_t prot,
                   uint64_t *lo, uint64_t *hi)
{
    /* do_mprotect_pkey() */
    uint64_t grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~(uint64_t)(PROT_GROWSDOWN | PROT_GROWSUP);
    *lo = *hi = start;
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    if (start & PAGE_OFFSET_MASK)
        return -EINVAL;
    if (!len)
        return 0;
    uint64_t end = start + page_align(len);
    if (end <= start)
        return -ENOMEM;
    if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
        return -EINVAL; /* arch_validate_prot() */
    struct vma *vma = vma_first_in(map, start, end);
    if (!vma)
        return -ENOMEM;
    if (grows & PROT_GROWSDOWN) {
        if (!(vma->flags & VMA_GROWSDOWN))
            return -EINVAL;
        start = vma->start;
    } else {
        if (vma->start > start)
            return -ENOMEM;
        if (grows & PROT_GROWSUP)
            return -EINVAL; /* no region grows up on x86 */
    }
    uint64_t mapped = vma_mapped_end(map, start, end);
    int err = vma_protect(map, start, mapped, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
    if (err)
        return err;
    *lo = start;
    *hi = mapped;
    return mapped < end ? -ENOMEM : 0;
}

/* Linux's madvise_behavior_valid() on x86_64 with KSM and transparent huge
 * pages, without CONFIG_MEMORY_FAILURE (the host's configuration). */
static bool advice_valid(int advice)
{
    switch (advice) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
    case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
    case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE: case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
    case MADV_GUARD_INSTALL: case MADV_GUARD_REMOVE:
        return true;
    default:
        return false;
    }
}

int madvise_check(uint64_t start, uint64_t len, int advice, uint64_t *end)
{
    /* is_valid_madvise(), madvise_should_skip() */
    if (!advice_valid(advice) || (start & PAGE_OFFSET_MASK))
        return -EINVAL;
    uint64_t alen = page_align(len);
    if ((len && !alen) || start + alen < start)
        return -EINVAL;
    *end = start + alen;
    return 0;
}

int madvise_walk(struct vma_map *map, uint64_t start, uint64_t end,
                 int (*fn)(struct vma_map *map, struct vma *vma, uint64_t s, uint64_t e,
                           void *arg),
                 void *arg)
{
    /* madvise_walk_vmas(): the next region is looked up by address, as fn
     * may have split or merged the one it was given */
    int unmapped = 0;
    uint64_t at = start;
    while (at < end) {
        struct vma *vma = vma_first_in(map, at, end);
        if (!vma)
            return -ENOMEM;
        if (vma->start > at)
            unmapped = -ENOMEM;
        uint64_t s = vma->start > at ? vma->start : at;
        uint64_t e = vma->end < end ? vma->end : end;
        int err = fn(map, vma, s, e, arg);
        if (err)
            return err;
        at = e;
    }
    return unmapped;
}

/* Linux's access_ok() on x86_64: [addr, addr + size) in user space. */
static bool user_range_ok(uint64_t addr, uint64_t size)
{
    return addr + size >= addr && addr + size <= USER_TOP;
}

int mincore_check(uint64_t start, uint64_t len, uint64_t vec, uint64_t *end)
{
    /* sys_mincore() */
    if (start & PAGE_OFFSET_MASK)
        return -EINVAL;
    if (!user_range_ok(start, len))
        return -ENOMEM;
    uint64_t pages = (len >> PAGE_SHIFT) + ((len & PAGE_OFFSET_MASK) != 0);
    if (!user_range_ok(vec, pages))
        return -EFAULT;
    *end = start + pages * PAGE_SIZE;
    return 0;
}

uint64_t brk_apply(struct vma_map *map, uint64_t start_brk, uint64_t *brk, uint64_t req,
                   uint64_t *lo, uint64_t *hi)
{
    /* sys_brk() without CONFIG_COMPAT_BRK; beyond USER_TOP its
     * get_unmapped_area(MAP_FIXED) check refuses */
    uint64_t old = *brk;
    *lo = *hi = 0;
    if (req < start_brk || req > USER_TOP)
        return old;
    uint64_t newbrk = page_align(req), oldbrk = page_align(old);
    if (newbrk == oldbrk) {
        *brk = req;
        return req;
    }
    if (req <= old) {
        /* always allowed, if heap pages are still there to unmap */
        if (!vma_first_in(map, newbrk, oldbrk) || vma_remove(map, newbrk, oldbrk))
            return old;
        *lo = newbrk;
        *hi = oldbrk;
        *brk = req;
        return req;
    }
    /* growing keeps a page free below the next region (and its guard gap) */
    struct vma *next = vma_first_in(map, oldbrk, newbrk + PAGE_SIZE + STACK_GUARD_GAP);
    if (next && newbrk + PAGE_SIZE > vma_start_gap(next))
        return old;
    struct vma heap = {.start = oldbrk, .end = newbrk, .prot = PROT_READ | PROT_WRITE};
    if (vma_insert(map, &heap))
        return old;
    *brk = req;
    return req;
}
