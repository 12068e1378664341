/*
 * References to user page frames. page->refcount (atomic) counts one
 * reference per user page-table entry mapping the frame, one for a shared
 * object holding it (mm/shm.h) and temporary ones; the frame goes back to
 * the allocator with its last reference.
 */
#ifndef MM_USER_PAGE_H
#define MM_USER_PAGE_H

#include <stdbool.h>

#include "mm/frame.h"

static inline void user_page_get(struct page *page)
{
    __atomic_add_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
}

/* Drops a reference. True if it was the last one: the caller then owns the
 * frame (refcount left at 1, as frame_free() wants) and must free it. */
static inline bool user_page_put_last(struct page *page)
{
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
 * drop one: see the callers' locks). */
static inline int user_page_refs(const struct page *page)
{
    return __atomic_load_n(&page->refcount, __ATOMIC_ACQUIRE);
}

#endif
