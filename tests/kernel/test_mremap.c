/*
 * mremap's move (mm/mremap.c) seen from the page tables: the entries move,
 * the frames and their counts do not (MV3), under each free strategy; and
 * a move whose destination tables cannot be allocated changes nothing
 * (MV4); a page pinned before a move is the page mapped after it.
 */
#include "arch/x86_64/mmu.h"
#include "kernel/errno.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/as_mman.h"
#include "mm/gup_fast.h"
#include "mm/user_page.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define P PAGE_SIZE
#define OLD 0x400000ul
/* three leaf tables on and five pages into the next: an offset in its
 * table unlike OLD's, so one old table's entries land in two new ones */
#define NEW (0x1000000ul + 5 * P)
#define RW (PROT_READ | PROT_WRITE)
#define PAGES 600

static bool usage_back(uint64_t frames, uint64_t objects)
{
    pt_drain();
    return frame_free_count() == frames && kmalloc_in_use() == objects;
}

/* Maps PAGES pages at OLD: every third written, every third read (the
 * zero page), the rest untouched; a child forked after shares the written
 * ones copy-on-write. Moves them to NEW and checks every entry. */
static void move_keeps_frames(enum pt_strategy s)
{
    uint64_t frames = (pt_drain(), frame_free_count()), objects = kmalloc_in_use();
    struct address_space *as = as_with(s);
    KASSERT(as);
    KASSERT(as_map_anon(as, OLD, PAGES * P, RW, 0) == 0);
    static struct page *page[PAGES];
    for (int i = 0; i < PAGES; i++) {
        page[i] = NULL;
        if (i % 3 == 2)
            continue;
        KEXPECT(as_fault(as, OLD + i * P, i % 3 ? PF_U : PF_U | PF_W) == 0);
        page[i] = upte_page(upt_lookup(as, OLD + i * P));
    }
    struct address_space *child = as_fork(as);
    KASSERT(child);
    uint64_t rss = as->rss_pages;
    long got = as_mremap(as, OLD, PAGES * P, PAGES * P, MREMAP_MAYMOVE | MREMAP_FIXED, NEW);
    KEXPECT(got == (long)NEW);
    int wrong = 0;
    for (int i = 0; i < PAGES; i++) {
        pte_t old = upt_lookup(as, OLD + i * P), moved = upt_lookup(as, NEW + i * P);
        wrong += old != 0;
        if (!page[i]) {
            wrong += moved != 0;
            continue;
        }
        wrong += !upte_has_page(moved) || upte_page(moved) != page[i];
        if (i % 3 == 0)
            wrong += user_page_refs(page[i]) != 2; /* this entry and the child's */
        else
            wrong += !is_zero_page(page[i]);
    }
    KEXPECT(wrong == 0);
    KEXPECT(as->rss_pages == rss);
    KEXPECT(as_audit(as) == 0 && as_audit(child) == 0);
    as_put(child);
    as_put(as);
    KEXPECT(usage_back(frames, objects));
}

KTEST(mremap_moves_entries_not_frames_rcu)
{
    move_keeps_frames(PTFREE_RCU);
}

KTEST(mremap_moves_entries_not_frames_ipi)
{
    move_keeps_frames(PTFREE_IPI);
}

KTEST(mremap_moves_entries_not_frames_off)
{
    move_keeps_frames(PTFREE_OFF);
}

KTEST(mremap_without_memory_for_tables_moves_nothing)
{
    uint64_t frames = (pt_drain(), frame_free_count()), objects = kmalloc_in_use();
    struct address_space *as = as_with(PTFREE_RCU);
    KASSERT(as);
    KASSERT(as_map_anon(as, OLD, 4 * P, RW, 0) == 0);
    for (int i = 0; i < 4; i++)
        KEXPECT(as_fault(as, OLD + i * P, PF_U | PF_W) == 0);
    pte_t before = upt_lookup(as, OLD);
    struct held *held = hold_all_but(0);
    /* the destination needs a new PUD table at least: no memory for it */
    long got = as_mremap(as, OLD, 4 * P, 4 * P, MREMAP_MAYMOVE | MREMAP_FIXED,
                         0x7f0000000000ul);
    release_held(held);
    KEXPECT(got == -ENOMEM);
    KEXPECT(upt_lookup(as, OLD) == before && upt_lookup(as, 0x7f0000000000ul) == 0);
    KEXPECT(vma_find(&as->vmas, OLD) && !vma_find(&as->vmas, 0x7f0000000000ul));
    KEXPECT(as_audit(as) == 0);
    as_put(as);
    KEXPECT(usage_back(frames, objects));
}

KTEST(mremap_keeps_a_pinned_page)
{
    uint64_t frames = (pt_drain(), frame_free_count()), objects = kmalloc_in_use();
    struct address_space *as = as_with(PTFREE_RCU);
    KASSERT(as);
    KASSERT(as_map_anon(as, OLD, 2 * P, RW, 0) == 0);
    KEXPECT(as_fault(as, OLD, PF_U | PF_W) == 0);
    struct page *pinned;
    KASSERT(gup_fast_pin(as, OLD, 1, true, &pinned) == 1);
    KEXPECT(as_mremap(as, OLD, 2 * P, 4 * P, MREMAP_MAYMOVE | MREMAP_FIXED, NEW) == (long)NEW);
    KEXPECT(upte_page(upt_lookup(as, NEW)) == pinned && user_page_refs(pinned) == 2);
    KEXPECT(pte_writable(upt_lookup(as, NEW))); /* still the region's alone (mm/as.h) */
    /* a write through the pin after the move is seen at the new address */
    char word[8] = "pinned!", seen[8];
    user_page_copy(pinned, 0, word, 8, true);
    KEXPECT(as_access(as, NEW, seen, 8, false, false) == 8 && memcmp(seen, word, 8) == 0);
    gup_fast_unpin(as, OLD, pinned);
    KEXPECT(user_page_refs(pinned) == 1);
    KEXPECT(as_audit(as) == 0);
    as_put(as);
    KEXPECT(usage_back(frames, objects));
}
