/*
 * fork while a page is pinned for a write (mm/as.h, "Pins and fork"):
 * gup_fast_access() pins a page of the target, then copies into it, and
 * may be preempted in between. If fork runs there and then the parent or
 * the child writes first, the pinned page must still be the parent's, so
 * that the copy lands where process_vm_writev aimed it. Each step is
 * called in that order here, so the interleaving is forced.
 */
#include "arch/x86_64/mmu.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/gup_fast.h"
#include "mm/user_page.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define BASE 0x400000ul
#define RW (PROT_READ | PROT_WRITE)
#define WRITE_FAULT (PF_U | PF_W)

/* The 8 bytes at BASE in 'as' equal 'want'. */
static bool holds(struct address_space *as, const char *want)
{
    char seen[8] = {0};
    return as_access(as, BASE, seen, 8, false, false) == 8 && memcmp(seen, want, 8) == 0;
}

/* One round: pin the page for a write, fork, let 'first' then the other
 * side write (bytes of their own, after BASE + 8), then the pinned copy
 * lands (at BASE). */
static void pinned_write_across_fork(bool parent_first, bool slow_pin)
{
    uint64_t before = frames_now();
    struct address_space *parent = as_create();
    KASSERT(parent);
    KASSERT(as_map_anon(parent, BASE, PAGE_SIZE, RW, 0) == 0);
    KEXPECT(as_access(parent, BASE, "old.....", 8, true, false) == 8);

    struct page *pin = NULL;
    if (slow_pin) { /* as_access's pin: taken by the fault, under the table lock */
        struct page *replaced;
        ZAP(z);
        read_lock(&parent->map_lock);
        KEXPECT(fault_in_locked(parent, vma_find(&parent->vmas, BASE), BASE, true, &replaced,
                                &pin, &z) == 0);
        read_unlock(&parent->map_lock);
        zap_finish(parent, &z);
        release_replaced(replaced);
    } else {
        KEXPECT(gup_fast_pin(parent, BASE, 1, true, &pin) == 1);
    }
    KASSERT(pin);

    struct address_space *child = as_fork(parent);
    KASSERT(child);
    struct address_space *first = parent_first ? parent : child;
    struct address_space *second = parent_first ? child : parent;
    KEXPECT(as_access(first, BASE + 8, "first", 5, true, false) == 5);
    KEXPECT(as_access(second, BASE + 16, "second", 6, true, false) == 6);
    user_page_copy(pin, 0, "new.....", 8, true); /* the copy of gup_fast_access */
    gup_fast_unpin(parent, BASE, pin);

    KEXPECT(holds(parent, "new....."));
    KEXPECT(holds(child, "old....."));
    KEXPECT(as_audit(parent) == 0 && as_audit(child) == 0);
    as_put(child);
    as_put(parent);
    KEXPECT(frames_now() == before);
}

KTEST(fork_pinned_page_stays_with_the_parent_parent_writes_first)
{
    pinned_write_across_fork(true, false);
    pinned_write_across_fork(true, true);
}

KTEST(fork_pinned_page_stays_with_the_parent_child_writes_first)
{
    pinned_write_across_fork(false, false);
    pinned_write_across_fork(false, true);
}
