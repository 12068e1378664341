/* Helpers shared by the page-table tests (test_pt.c, test_gup_fast.c). */
#ifndef TESTS_KERNEL_PT_TEST_H
#define TESTS_KERNEL_PT_TEST_H

#include <stdint.h>

#include "mm/as.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"

/* A new address space freeing its tables by 's'. */
static inline struct address_space *as_with(enum pt_strategy s)
{
    struct address_space *as = as_create();
    if (as)
        as->ptfree = s; /* no table below the PML4 exists yet */
    return as;
}

/* Free frames and kmalloc objects, once every unlinked table is back. */
static inline uint64_t frames_now(void)
{
    pt_drain();
    return frame_free_count() + kmalloc_in_use();
}

#endif
