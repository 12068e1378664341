/*
 * References to user page frames. page->refcount (atomic) counts one
 * reference per user page-table entry mapping the frame, one for a shared
 * object holding it (mm/shm.h) and temporary ones; the frame goes back to
 * the allocator with its last reference.
 *
 * The shared zero page: one frame of zeros that every read fault on
 * private anonymous memory never written maps (mm/fault.c), as Linux's
 * empty_zero_page. Its rules:
 *  ZP1 It lives in the kernel image (PG_RESERVED): it is never freed, and
 *      its refcount is never touched: user_page_get() and the puts ignore
 *      it, so its entries hold no reference and a walker may read it
 *      without one.
 *  ZP2 No user entry maps it writable (upte_make() refuses): a write fault
 *      on it is a copy-on-write from zeros (a fresh zeroed frame), and the
 *      entry's change is flushed as any copy-on-write's (mm/as_internal.h,
 *      Z2, Z4).
 *  ZP3 It is not resident memory of anyone: not in VmRSS (as Linux), but
 *      mincore reports it in memory (as Linux: the entry is present).
 * pt_audit() checks that it still holds zeros and that its refcount is 0.
 */
#ifndef MM_USER_PAGE_H
#define MM_USER_PAGE_H

#include <stdbool.h>

#include "kernel/panic.h"
#include "mm/frame.h"

/* The shared zero page (ZP1); set by mm_init(), constant after. */
extern struct page *zero_page;

static inline bool is_zero_page(const struct page *page)
{
    return page == zero_page;
}

/* Takes a reference (none on the zero page: ZP1). */
static inline void user_page_get(struct page *page)
{
    if (is_zero_page(page))
        return;
    __atomic_add_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
}

/* Drops a reference. True if it was the last one: the caller then owns the
 * frame (refcount left at 1, as frame_free() wants) and must free it.
 * Always false for the zero page (ZP1). */
static inline bool user_page_put_last(struct page *page)
{
    if (is_zero_page(page))
        return false;
    if (__atomic_fetch_sub(&page->refcount, 1, __ATOMIC_ACQ_REL) != 1)
        return false;
    page->refcount = 1;
    return true;
}

/* Drops a reference and frees the frame with the last one. */
static inline void user_page_put(struct page *page)
{
    if (user_page_put_last(page))
        frame_free(page, 0);
}

/* The references held on 'page' now (exact only while nobody can take or
 * drop one: see the callers' locks). Not meaningful for the zero page. */
static inline int user_page_refs(const struct page *page)
{
    ASSERT(!is_zero_page(page));
    return __atomic_load_n(&page->refcount, __ATOMIC_ACQUIRE);
}

#endif
