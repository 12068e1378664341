/*
 * mremap(2): shrinks, grows or moves a mapping, with the semantics and
 * errno values of Linux 6.18 (its mm/mremap.c; each function names the one
 * it mirrors), checked against the host by tests/user/test_mremap.c.
 * docs/vma.md tells the story for students.
 *
 *   mremap(addr, old_len, new_len, flags, new_addr)
 *   - shrink: the tail [addr + new_len, addr + old_len) is unmapped, as by
 *     munmap (the same zap, so tables are freed by the same rules);
 *   - grow in place: when [addr, addr + old_len) ends its region and the
 *     space after it is free, the region is extended (vma_insert() merges);
 *   - otherwise, with MREMAP_MAYMOVE, move: a region with the same
 *     attributes at a free address (MREMAP_FIXED: at new_addr, unmapped
 *     first) takes over the pages; the old range is unmapped, or kept
 *     empty with MREMAP_DONTUNMAP;
 *   - MREMAP_FIXED with old_len == new_len moves every region of the range
 *     and keeps the gaps between them (Linux 6.17 and later).
 * One difference: a shared anonymous object has the size it was mapped
 * with (mm/shm.h), so growing its region beyond the object fails with
 * ENOMEM, where Linux grows it and delivers SIGBUS on the pages past the
 * object's end.
 *
 * The rules a move relies on (cited as MV1..MV5 below):
 *  MV1 The whole call holds the map lock for writing, as munmap does: no
 *      fault, zap, reclaim pass, fork or other mremap of the address space
 *      runs meanwhile. Only lockless walkers (mm/gup_fast.c, upt_lookup(),
 *      the MMU) read the entries; one that finds an entry empty takes the
 *      locked slow path, which waits for the map lock.
 *  MV2 The destination is mapped by no region when the pages move (a free
 *      range, or one MREMAP_FIXED unmapped first), so its leaf entries are
 *      all 0: a zap clears the entries of every range whose region goes.
 *  MV3 An entry moves in two steps, each under one table lock (mm/pt_ref.h
 *      allows one pt_lock at a time): upte_set() takes it out of its old
 *      table (zap_note_change() first if it is present: Z2), then
 *      upte_set() stores the same value in its new table. The page's
 *      references do not change: one entry hands its reference to the
 *      other. So a private page keeps its frame and its count (its
 *      copy-on-write sharing after fork, its pins: mm/as.h), a shared page
 *      stays its object's, the zero page stays the zero page (ZP1) and a
 *      PROT_NONE entry stays one.
 *  MV4 Every destination leaf table is allocated, and held by a reference,
 *      before the first entry moves: the move itself cannot fail, and an
 *      allocation failure leaves every entry where it was. The references
 *      are put afterwards: a table left empty goes by the usual rules (R2).
 *  MV5 The old range's shootdown happens before the map lock is dropped
 *      (zap_flush(), as fork does: mm/as_internal.h says why waiting there
 *      cannot deadlock). Until then another CPU may still reach a moved
 *      page through the old address, but that is the frame the new entry
 *      maps: no write is lost. Once the lock is free, though, another
 *      thread may unmap the new address and free the page, and its
 *      shootdown covers only the new range. The old tables the move
 *      emptied are freed after the shootdown, in zap_finish() (R6).
 */
#include "mm/as_mman.h"

#include "kernel/errno.h"
#include "mm/as_internal.h"
#include "mm/kmalloc.h"
#include "mm/mmap_rules.h"

#define MREMAP_ALL (MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)

/* The bytes one leaf table maps (2 MiB). */
#define LEAF_SPAN pt_level_size(2)

/* One mremap request, or one region's piece of a multi-region move. */
struct remap {
    struct address_space *as;
    uint64_t addr, old_len, new_len, new_addr;
    uint64_t flags;
    struct zap *z;
};

/* True if the call names the new address (Linux's vrm_implies_new_addr()). */
static bool implies_new_addr(const struct remap *r)
{
    return r->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
}

/* PAGE_ALIGN(x) as Linux: 0 if rounding up wraps. */
static uint64_t page_align(uint64_t x)
{
    return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Linux's check_mremap_params(): the checks that need no region. The
 * lengths are page aligned already. Returns 0 or -errno. */
static long check_params(const struct remap *r, const struct vma_map *map)
{
    if (r->flags & ~(uint64_t)MREMAP_ALL)
        return -EINVAL;
    if (r->addr % PAGE_SIZE)
        return -EINVAL;
    if (!r->new_len || r->new_len > USER_TOP)
        return -EINVAL;
    if (!implies_new_addr(r))
        return 0;
    if (r->new_addr > USER_TOP - r->new_len || r->new_addr % PAGE_SIZE)
        return -EINVAL;
    if (!(r->flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if ((r->flags & MREMAP_DONTUNMAP) && r->old_len != r->new_len)
        return -EINVAL;
    if (r->addr + r->old_len > r->new_addr && r->new_addr + r->new_len > r->addr)
        return -EINVAL; /* the ranges overlap */
    if ((uint64_t)map->count + 2 >= map->max_count - 3)
        return -ENOMEM; /* both regions might be cut in three */
    return 0;
}

/* True if growing 'vma''s piece at r->addr to r->new_len would reach past
 * its shared object's end (see the difference in the header). */
static bool beyond_object(const struct remap *r, const struct vma *vma)
{
    if (!(vma->flags & VMA_SHARED))
        return false;
    const struct shm_object *obj = vma->object;
    uint64_t first = vma->pgoff + ((r->addr - vma->start) >> PAGE_SHIFT);
    return first + (r->new_len >> PAGE_SHIFT) > obj->npages;
}

/* Linux's check_prep_vma(): finds the region at r->addr into *out and
 * checks the request against it. Returns 0 or -errno. Map lock held. */
static long check_region(const struct remap *r, struct vma **out)
{
    struct vma *vma = vma_find(&r->as->vmas, r->addr);
    if (!vma)
        return -EFAULT;
    *out = vma;
    if (r->new_len <= r->old_len && !implies_new_addr(r))
        return 0; /* a shrink in place: its tail may cross regions and holes */
    if (!r->old_len && !(vma->flags & VMA_SHARED))
        return -EINVAL; /* "duplicating" private memory makes no sense */
    uint64_t kept = r->new_len < r->old_len ? r->new_len : r->old_len;
    if (kept > vma->end - r->addr)
        return -EFAULT; /* the range does not lie in one region */
    if (r->new_len > r->old_len && beyond_object(r, vma))
        return -ENOMEM;
    return 0;
}

/* Unmaps [start, end) as munmap does (Linux's shrink_vma()). Returns 0 or
 * -errno. Map lock held for writing. */
static long unmap(struct remap *r, uint64_t start, uint64_t end)
{
    uint64_t checked_end;
    long err = munmap_check(start, end - start, &checked_end);
    if (!err)
        err = vma_remove(&r->as->vmas, start, checked_end);
    if (!err)
        zap_unmap(r->as, start, checked_end, r->z);
    return err;
}

/* ---- Moving the pages (MV1..MV5) ---- */

/* The destination leaf tables of a move, each held by a reference (MV4),
 * in address order, and a buffer for the entries of one of them. */
struct dest_tables {
    uint64_t count;
    uint64_t *va;          /* [count]: the first address each one maps */
    struct page **table;   /* [count] */
    pte_t *entries;        /* [PT_ENTRIES]: by slot of the table being filled */
};

/* A walk over the old range: 'delta' takes an old address to its new one. */
struct move_walk {
    uint64_t delta;
    uint64_t last;            /* plan: the last table counted (1: none yet) */
    struct dest_tables *dest;
    struct zap *z;
};

/* upt_leaf_fn: counts, and records if dest->va is there, the destination
 * leaf tables the entries of the old range move to (in address order). */
static int plan_entry(struct address_space *as, struct page *table, pte_t *slot, uint64_t va,
                      void *arg)
{
    (void)as;
    (void)table;
    (void)slot;
    struct move_walk *w = arg;
    uint64_t dest_table = ALIGN_DOWN(va + w->delta, LEAF_SPAN);
    if (dest_table != w->last) {
        if (w->dest->va)
            w->dest->va[w->dest->count] = dest_table;
        w->dest->count++;
        w->last = dest_table;
    }
    return 0;
}

/* Puts the references of the first 'n' destination tables and frees the
 * arrays. */
static void dest_put(struct address_space *as, struct dest_tables *d, uint64_t n, struct zap *z)
{
    for (uint64_t i = 0; i < n; i++)
        pt_put(as, &z->pt, d->table[i]);
    kfree(d->va);
    kfree(d->table);
    kfree(d->entries);
}

/* Gets, allocating the missing ones, the leaf tables that the entries of
 * [old_start, old_end) moved to 'dest' will go to, each with a reference
 * (MV4). Returns 0 or -ENOMEM (nothing held then). */
static long dest_get(struct address_space *as, uint64_t old_start, uint64_t old_end,
                     uint64_t dest, struct dest_tables *d, struct zap *z)
{
    *d = (struct dest_tables){0};
    struct move_walk w = {.delta = dest - old_start, .last = 1, .dest = d};
    upt_for_each(as, old_start, old_end, plan_entry, &w, z);
    if (!d->count)
        return 0;
    uint64_t count = d->count;
    d->va = kmalloc(count * sizeof(*d->va));
    d->table = kmalloc(count * sizeof(*d->table));
    d->entries = kzalloc(PT_ENTRIES * sizeof(*d->entries));
    if (!d->va || !d->table || !d->entries) {
        dest_put(as, d, 0, z);
        return -ENOMEM;
    }
    d->count = 0;
    w.last = 1;
    upt_for_each(as, old_start, old_end, plan_entry, &w, z);
    ASSERT(d->count == count); /* MV1: nothing changed the entries */
    for (uint64_t i = 0; i < count; i++) {
        d->table[i] = upt_leaf_get(as, d->va[i], true, z);
        if (!d->table[i]) {
            dest_put(as, d, i, z);
            return -ENOMEM;
        }
    }
    return 0;
}

/* upt_leaf_fn: takes one entry out of the old table into the buffer, by
 * its destination slot (MV3, first step). */
static int take_entry(struct address_space *as, struct page *table, pte_t *slot, uint64_t va,
                      void *arg)
{
    struct move_walk *w = arg;
    pte_t e = pte_read(slot);
    if (pte_present(e))
        zap_note_change(as, w->z); /* Z2 */
    upte_set(as, table, slot, 0);
    w->dest->entries[pt_index(va + w->delta, 1)] = e;
    return 0;
}

/* Stores the buffered entries of [lo, hi) (destination addresses) in leaf
 * table 'table' (MV3, second step), PT_CHUNK slots per hold of its lock,
 * and empties the buffer. */
static void put_entries(struct address_space *as, struct page *table, pte_t *entries,
                        uint64_t lo, uint64_t hi)
{
    int in_chunk = 0;
    pt_lock(table);
    for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
        pte_t *e = &entries[pt_index(va, 1)];
        if (!*e)
            continue;
        if (++in_chunk > PT_CHUNK) {
            pt_unlock(table);
            pt_lock(table);
            in_chunk = 1;
        }
        pte_t *slot = pt_slot(table, va);
        ASSERT(!pte_read(slot)); /* MV2 */
        upte_set(as, table, slot, *e);
        *e = 0;
    }
    pt_unlock(table);
}

/* Moves every entry of [old_start, old_end) to the same offset from 'dest',
 * into the tables of 'd' (MV3, MV4). Cannot fail. */
static void move_entries(struct address_space *as, uint64_t old_start, uint64_t old_end,
                         uint64_t dest, struct dest_tables *d, struct zap *z)
{
    uint64_t delta = dest - old_start, dest_end = old_end + delta;
    struct move_walk w = {.delta = delta, .dest = d, .z = z};
    for (uint64_t i = 0; i < d->count; i++) {
        uint64_t lo = d->va[i] > dest ? d->va[i] : dest;
        uint64_t hi = d->va[i] + LEAF_SPAN < dest_end ? d->va[i] + LEAF_SPAN : dest_end;
        upt_for_each(as, lo - delta, hi - delta, take_entry, &w, z);
        put_entries(as, d->table[i], d->entries, lo, hi);
    }
}

/*
 * Linux's move_vma(): maps a region like 'vma' (its piece at r->addr) at
 * [dest, dest + r->new_len) and moves the pages of [r->addr, r->addr +
 * r->old_len) there; then the old range is unmapped, or kept empty with
 * MREMAP_DONTUNMAP. Returns dest or -ENOMEM (nothing changed). Map lock
 * held for writing.
 */
static long move_region(struct remap *r, const struct vma *vma, uint64_t dest)
{
    struct address_space *as = r->as;
    assert_write_held(&as->map_lock); /* MV1 */
    uint64_t old_start = r->addr, old_end = r->addr + r->old_len;
    struct vma moved = *vma;
    moved.start = dest;
    moved.end = dest + r->new_len;
    moved.pgoff = vma->pgoff + ((old_start - vma->start) >> PAGE_SHIFT);
    struct dest_tables d;
    long err = dest_get(as, old_start, old_end, dest, &d, r->z);
    if (err)
        return err;
    bool keep_old = r->flags & MREMAP_DONTUNMAP;
    /* 'vma' may be freed from here on */
    err = keep_old ? vma_insert(&as->vmas, &moved)
                   : vma_remap(&as->vmas, old_start, old_end, &moved);
    if (!err)
        move_entries(as, old_start, old_end, dest, &d, r->z);
    dest_put(as, &d, d.count, r->z);
    if (err)
        return err;
    if (old_start == old_end)
        return (long)dest; /* a shared region duplicated: nothing moved */
    if (keep_old)
        zap_cover(r->z, old_start, old_end); /* Z1, MV5 */
    else
        zap_unmap(as, old_start, old_end, r->z); /* Z1, MV5; ptfree=off's keeps */
    return (long)dest;
}

/* Linux's mremap_to(): MREMAP_FIXED or MREMAP_DONTUNMAP. Returns the new
 * address or -errno. Map lock held for writing. */
static long remap_to(struct remap *r, struct vma *vma)
{
    bool fixed = r->flags & MREMAP_FIXED;
    if (fixed) {
        long err = unmap(r, r->new_addr, r->new_addr + r->new_len);
        if (err)
            return err;
        vma = vma_find(&r->as->vmas, r->addr);
        if (!vma)
            return -EFAULT;
    }
    if (r->new_len < r->old_len) {
        long err = unmap(r, r->addr + r->new_len, r->addr + r->old_len);
        if (err)
            return err;
        r->old_len = r->new_len;
    }
    uint64_t dest;
    long err = mmap_find_area(&r->as->vmas, r->as->mmap_base, r->new_addr, r->new_len, fixed,
                              &dest);
    return err ? err : move_region(r, vma, dest);
}

/* True if the region can grow by 'delta' bytes in place (Linux's
 * vma_expandable()). */
static bool expandable(const struct vma_map *map, const struct vma *vma, uint64_t delta)
{
    return delta <= USER_TOP - vma->end && !vma_first_in(map, vma->end, vma->end + delta);
}

/* Linux's mremap_at(): same size, shrink, or grow in place, else move if
 * allowed. Returns the new address or -errno. Map lock held for writing. */
static long remap_at(struct remap *r, struct vma *vma)
{
    if (r->new_len == r->old_len)
        return (long)r->addr;
    if (r->new_len < r->old_len) {
        long err = unmap(r, r->addr + r->new_len, r->addr + r->old_len);
        return err ? err : (long)r->addr;
    }
    uint64_t delta = r->new_len - r->old_len;
    if (vma->end - r->addr == r->old_len && expandable(&r->as->vmas, vma, delta)) {
        struct vma grown = *vma;
        grown.start = vma->end;
        grown.end = vma->end + delta;
        grown.pgoff = vma->pgoff + ((vma->end - vma->start) >> PAGE_SHIFT);
        long err = vma_insert(&r->as->vmas, &grown); /* merges with 'vma' */
        return err ? err : (long)r->addr;
    }
    if (!(r->flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t dest;
    long err = mmap_find_area(&r->as->vmas, r->as->mmap_base, 0, r->new_len, false, &dest);
    return err ? err : move_region(r, vma, dest);
}

/* One region's request: checks it, then remap_to() or remap_at(). */
static long remap_one(struct remap *r)
{
    struct vma *vma;
    long err = check_region(r, &vma);
    if (err)
        return err;
    return implies_new_addr(r) ? remap_to(r, vma) : remap_at(r, vma);
}

/* Linux's remap_move(): MREMAP_FIXED with old_len == new_len moves each
 * region of [addr, addr + len) in turn, the gaps between them kept; the
 * range must start in a region. Returns new_addr or -errno (the regions
 * moved before the error stay moved, as on Linux). */
static long remap_move(struct remap *r)
{
    uint64_t start = r->addr, end = r->addr + r->old_len, target = r->new_addr;
    uint64_t last_end = 0;
    long first = -EFAULT;
    bool seen = false;
    for (uint64_t at = start; at < end;) {
        struct vma *vma = vma_first_in(&r->as->vmas, at, end);
        if (!vma)
            break;
        if (!seen && vma->start > start)
            return -EFAULT; /* no gap at the start */
        uint64_t s = vma->start > start ? vma->start : start;
        uint64_t e = vma->end < end ? vma->end : end;
        uint64_t gap = seen ? vma->start - last_end : 0;
        last_end = vma->end;
        struct remap piece = *r;
        piece.addr = s;
        piece.old_len = piece.new_len = e - s;
        piece.new_addr = target + gap;
        long got = remap_one(&piece);
        if (got < 0)
            return got;
        if (!seen)
            first = got;
        seen = true;
        target = (uint64_t)got + piece.new_len;
        at = e;
    }
    return first;
}

long as_mremap(struct address_space *as, uint64_t addr, uint64_t old_len, uint64_t new_len,
               uint64_t flags, uint64_t new_addr)
{
    ZAP(z);
    struct remap r = {
        .as = as,
        .addr = addr,
        .old_len = page_align(old_len),
        .new_len = page_align(new_len),
        .new_addr = new_addr,
        .flags = flags,
        .z = &z,
    };
    write_lock(&as->map_lock); /* MV1 */
    long ret = check_params(&r, &as->vmas);
    if (!ret)
        ret = (flags & MREMAP_FIXED) && r.old_len == r.new_len ? remap_move(&r)
                                                                 : remap_one(&r);
    zap_unused_objects(as, &z);
    zap_flush(as, &z); /* MV5 */
    write_unlock(&as->map_lock);
    zap_finish(as, &z);
    as_audit_op(as, "mremap");
    return ret;
}
