/*
 * The lockless walkers (mm/gup_fast.h): one descent from the PML4 per leaf
 * table, inside pt_walk_begin(), then the leaf entries of that table.
 *
 * What the walkers assume, and why each assumption holds (the argument
 * step by step, and the model that checks it: docs/pt-lifecycle.md, "The
 * lockless walker"; the rules Rn are in mm/pt_ref.h):
 *  1. The PML4 lives: the caller holds a reference on the address space,
 *     and the PML4 is freed only with it (R5). The address space need not
 *     be loaded on this CPU: nothing below depends on this CPU's TLB.
 *  2. A table reached inside the section stays a table until pt_walk_end():
 *     the section runs with interrupts off, and an unlinked table is freed
 *     only once every online CPU (not only those with the address space
 *     loaded) has taken an IPI or passed a quiescent state since the unlink
 *     (R4, mm/pt_gather.c), neither of which this CPU does with interrupts
 *     off. The section holds up such frees and nothing else: the walkers
 *     take neither the map lock nor a table reference (mincore calls them
 *     under the read side of the map lock; process_vm_* and futexes
 *     without it), so zaps and faults go on meanwhile.
 *  3. Each entry is read once (pt_read(), one 8-byte load) and the walker
 *     decides on that value alone. A table unlinked after the read has no
 *     entry in use (R2): it reads as a hole, which it was at its unlink.
 *  4. Every step down is pt_step(): an entry not present is a hole up to
 *     the end of its range; a huge leaf or an address outside RAM is a
 *     doubt (stop); DEBUG builds panic on a poisoned entry or a table that
 *     is no longer live, a use-after-free that 2 should make impossible.
 *  5. A data page is referenced or read only under its leaf table's lock,
 *     while its entry maps it: that entry holds a reference on the page
 *     which nobody can drop without the lock (R1), so the page is not freed
 *     meanwhile. gup_fast_present() reads no page.
 *  6. Taking that lock with interrupts off is bounded: a pt_lock holder
 *     never waits for another CPU (mm/pt_ref.h).
 *  7. A walker answers for a prefix of what it was asked and gives up at
 *     the first page it cannot answer for alone (pin: missing, PROT_NONE,
 *     not user, read-only for a write); the caller's locked path does the
 *     rest.
 */
#include "mm/gup_fast.h"

#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/as_internal.h"
#include "mm/user_page.h"

/* How use-after-free reports name this walker. */
#define WALKER "the lockless walker (gup_fast)"

bool gup_fast_enabled = true;

/* Where a descent for one address ended. */
struct leaf {
    struct page *table; /* the leaf table, or NULL: no page is mapped up to 'end' */
    uint64_t end;       /* end of the range this answer covers */
};

/*
 * Inside pt_walk_begin(): descends from the PML4 of 'as' to the leaf table
 * covering 'va', one pt_step() per level (assumptions 2 to 4). False on
 * doubt (an address outside user space, a huge leaf, an entry naming no
 * RAM): the caller stops there.
 */
static bool descend(struct address_space *as, uint64_t va, struct leaf *out)
{
    if (va >= USER_TOP)
        return false;
    struct page *pt = as_root_table(as);
    pt_check_alive(pt, PT_LEVELS, WALKER);
    for (int level = PT_LEVELS; level > 1; level--) {
        pte_t e;
        struct page *child = pt_step(pt_slot(pt, va), level, &e, WALKER);
        if (!child && pte_present(e))
            return false;
        if (!child) {
            uint64_t size = pt_level_size(level);
            *out = (struct leaf){NULL, ALIGN_DOWN(va, size) + size};
            return true;
        }
        pt = child;
    }
    uint64_t size = pt_level_size(2);
    *out = (struct leaf){pt, ALIGN_DOWN(va, size) + size};
    return true;
}

/* The leaf entry of 'va' in leaf table 'table', read once. */
static pte_t leaf_entry(struct page *table, uint64_t va)
{
    return pt_read(pt_slot(table, va), 1, WALKER);
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
    ZAP(z);
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
