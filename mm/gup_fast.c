/*
 * The lockless walkers (mm/gup_fast.h): one descent from the PML4 per leaf
 * table, inside pt_walk_begin(), then the leaf entries of that table. The
 * safety argument, step by step, is in docs/pt-lifecycle.md ("The lockless
 * walker").
 */
#include "mm/gup_fast.h"

#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/as_internal.h"
#include "mm/user_page.h"

/* How use-after-free reports name this walker. */
#define WALKER "the lockless walker (gup_fast)"

bool gup_fast_enabled = true;

/* Panics (DEBUG builds) on an entry of a freed table (mm/pt_ref.h). */
static void check_not_poison(pte_t e, int level)
{
#ifdef DEBUG
    if (e == PT_POISON)
        panic("page-table use-after-free: %s read a poisoned entry (a freed table, level %d)",
              WALKER, level);
#else
    (void)e;
    (void)level;
#endif
}

/* Where a descent for one address ended. */
struct leaf {
    struct page *table; /* the leaf table, or NULL: no page is mapped up to 'end' */
    uint64_t end;       /* end of the range this answer covers */
};

/*
 * Inside pt_walk_begin(): descends from the PML4 of 'as' to the leaf table
 * covering 'va', reading one entry per level once and checking that each
 * table it reaches is alive. False on doubt (an address outside user
 * space, a huge leaf, an entry naming no RAM): the caller stops there.
 */
static bool descend(struct address_space *as, uint64_t va, struct leaf *out)
{
    if (va >= USER_TOP)
        return false;
    struct page *pt = as_root_table(as);
    pt_check_alive(pt, PT_LEVELS, WALKER);
    for (int level = PT_LEVELS; level > 1; level--) {
        pte_t e = pte_read(&pt_table(pt)[pt_index(va, level)]);
        check_not_poison(e, level);
        if (!pte_present(e)) {
            uint64_t size = pt_level_size(level);
            *out = (struct leaf){NULL, ALIGN_DOWN(va, size) + size};
            return true;
        }
        if (pte_is_leaf(e, level) || !phys_valid(pte_phys(e)))
            return false;
        pt = phys_to_page(pte_phys(e));
        pt_check_alive(pt, level - 1, WALKER);
    }
    uint64_t size = pt_level_size(2);
    *out = (struct leaf){pt, ALIGN_DOWN(va, size) + size};
    return true;
}

/* The leaf entry of 'va' in leaf table 'table', read once. */
static pte_t leaf_entry(struct page *table, uint64_t va)
{
    pte_t e = pte_read(&pt_table(table)[pt_index(va, 1)]);
    check_not_poison(e, 1);
    return e;
}

/* Pages from 'va' up to 'end', at most 'limit'. */
static size_t pages_until(uint64_t va, uint64_t end, size_t limit)
{
    uint64_t n = (end - va) >> PAGE_SHIFT;
    return n < limit ? (size_t)n : limit;
}

size_t gup_fast_present(struct address_space *as, uint64_t start, size_t pages, uint8_t *vec)
{
    if (!gup_fast_enabled)
        return 0;
    size_t done = 0;
    while (done < pages) {
        uint64_t va = start + done * PAGE_SIZE;
        struct leaf l;
        uint64_t irq = pt_walk_begin();
        bool sure = descend(as, va, &l);
        size_t n = sure ? pages_until(va, l.end, pages - done) : 0;
        for (size_t i = 0; i < n; i++)
            vec[done + i] = l.table && upte_has_page(leaf_entry(l.table, va + i * PAGE_SIZE));
        pt_walk_end(irq);
        if (!sure)
            break;
        done += n;
    }
    return done;
}

size_t gup_fast_pin(struct address_space *as, uint64_t start, size_t pages, bool write,
                    struct page **out)
{
    if (!gup_fast_enabled)
        return 0;
    size_t done = 0;
    bool stopped = false;
    while (done < pages && !stopped) {
        uint64_t va = start + done * PAGE_SIZE;
        struct leaf l;
        uint64_t irq = pt_walk_begin();
        stopped = !descend(as, va, &l) || !l.table;
        if (!stopped) {
            size_t n = pages_until(va, l.end, pages - done), i = 0;
            /* Under the leaf table's lock an entry that maps a page holds a
             * reference on it which nobody can drop meanwhile (R1). */
            pt_lock(l.table);
            for (; i < n; i++) {
                pte_t e = leaf_entry(l.table, va + i * PAGE_SIZE);
                if (!pte_present(e) || !pte_user(e) || (write && !pte_writable(e)))
                    break;
                out[done + i] = upte_page(e);
                user_page_get(out[done + i]);
            }
            pt_unlock(l.table);
            stopped = i < n;
            done += i;
        }
        pt_walk_end(irq);
    }
    return done;
}

void gup_fast_unpin(struct address_space *as, uint64_t va, struct page *page)
{
    if (!user_page_put_last(page))
        return;
    struct zap z = ZAP_INIT;
    zap_flush_range(&z, va, va + PAGE_SIZE);
    page->next = NULL;
    z.freed = page;
    zap_finish(as, &z);
}

bool gup_fast_read_u32(struct address_space *as, uint64_t uaddr, uint32_t *out)
{
    ASSERT(uaddr % sizeof(uint32_t) == 0);
    bool ok = false;
    struct leaf l;
    uint64_t irq = pt_walk_begin();
    if (descend(as, uaddr, &l) && l.table) {
        pt_lock(l.table);
        pte_t e = leaf_entry(l.table, uaddr);
        ok = pte_present(e) && pte_user(e);
        if (ok)
            *out = __atomic_load_n((uint32_t *)((char *)page_to_virt(upte_page(e)) +
                                                uaddr % PAGE_SIZE),
                                   __ATOMIC_RELAXED);
        pt_unlock(l.table);
    }
    pt_walk_end(irq);
    return ok;
}

size_t gup_fast_access(struct address_space *as, uint64_t addr, void *kbuf, size_t len,
                       bool write)
{
    size_t done = 0;
    while (done < len) {
        uint64_t va = addr + done;
        size_t chunk = PAGE_SIZE - va % PAGE_SIZE;
        if (chunk > len - done)
            chunk = len - done;
        size_t got = chunk;
        struct page *page;
        if (gup_fast_pin(as, ALIGN_DOWN(va, PAGE_SIZE), 1, write, &page)) {
            user_page_copy(page, va % PAGE_SIZE, (char *)kbuf + done, chunk, write);
            gup_fast_unpin(as, ALIGN_DOWN(va, PAGE_SIZE), page);
        } else {
            got = as_access(as, va, (char *)kbuf + done, chunk, write, false);
        }
        done += got;
        if (got < chunk)
            break;
    }
    return done;
}
