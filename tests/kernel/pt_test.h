/* Helpers shared by the page-table and address-space tests. */
#ifndef TESTS_KERNEL_PT_TEST_H
#define TESTS_KERNEL_PT_TEST_H

#include <stdint.h>

#include "mm/as.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"

/* A new address space freeing its tables by 's', unlinking them eagerly. */
static inline struct address_space *as_with(enum pt_strategy s)
{
    struct address_space *as = as_create();
    if (as) {
        as->ptfree = s; /* no table below the PML4 exists yet */
        as->ptreclaim = PTRECLAIM_EAGER;
    }
    return as;
}

/* A block taken from the allocator by hold_all_but(), linked through its
 * own first bytes. */
struct held {
    struct held *next;
    int order;
};

/* Takes free frames until exactly 'keep' remain above the reserve that
 * user memory may not use (frame_alloc_user(); fewer if there are not
 * that many); returns them for release_held(). The kernel's own
 * allocations still have the reserve. */
static inline struct held *hold_all_but(uint64_t keep)
{
    struct held *list = NULL;
    keep += frame_reserve();
    for (int order = FRAME_MAX_ORDER; order >= 0; order--) {
        while (frame_free_count() >= keep + (1ul << order)) {
            struct page *page = frame_alloc(order);
            if (!page)
                break;
            struct held *h = page_to_virt(page);
            *h = (struct held){.next = list, .order = order};
            list = h;
        }
    }
    return list;
}

static inline void release_held(struct held *list)
{
    while (list) {
        struct held *h = list;
        list = h->next;
        frame_free(virt_to_page(h), h->order);
    }
}

/* Free frames and kmalloc objects, once every unlinked table is back. */
static inline uint64_t frames_now(void)
{
    pt_drain();
    return frame_free_count() + kmalloc_in_use();
}

#endif
