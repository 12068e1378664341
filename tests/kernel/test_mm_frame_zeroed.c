/* The frame allocator's zeroed frames (mm/frame.h): frames given back as
 * zeros are handed out again by frame_alloc_zeroed(0) and counted free;
 * frame_alloc() leaves them alone while the zone has frames. */
#include "kernel/preempt.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "tests/kernel/ktest.h"

/* True if every byte of the frame is 0. */
static bool frame_is_zero(struct page *page)
{
    const uint64_t *words = page_to_virt(page);
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        if (words[i])
            return false;
    return true;
}

/* The checks, on one CPU: zeroed frames are kept per CPU first. */
static void zeroed_list_checks(void)
{
    frame_free_blocks(0); /* empties the zeroed list */
    KEXPECT(frame_zeroed_count() == 0);
    uint64_t free_before = frame_free_count();
    struct page *a = frame_alloc_zeroed(0), *b = frame_alloc_zeroed(0);
    KASSERT(a && b);
    KEXPECT(frame_is_zero(a) && frame_is_zero(b));
    frame_free_zeroed(a);
    frame_free_zeroed(b);
    KEXPECT(frame_zeroed_count() == 2);
    KEXPECT(frame_free_count() == free_before);

    /* a plain allocation comes from the zone, the zeroed list stays */
    struct page *plain = frame_alloc(0);
    KASSERT(plain);
    KEXPECT(plain != a && plain != b);
    KEXPECT(frame_zeroed_count() == 2);

    /* zeroed allocations take the listed frames, last freed first */
    struct page *first = frame_alloc_zeroed(0), *second = frame_alloc_zeroed(0);
    KEXPECT(first == b && second == a);
    KEXPECT(first->refcount == 1 && second->refcount == 1);
    KEXPECT(frame_is_zero(first) && frame_is_zero(second));
    KEXPECT(frame_zeroed_count() == 0);

    frame_free_zeroed(first);
    frame_free(second, 0);
    frame_free(plain, 0);
    KEXPECT(frame_zeroed_count() == 1);
    KEXPECT(frame_free_count() == free_before);
    frame_free_blocks(0);
    KEXPECT(frame_zeroed_count() == 0);
    KEXPECT(frame_free_count() == free_before);
}

KTEST(mm_frame_zeroed_list)
{
    preempt_disable();
    zeroed_list_checks();
    preempt_enable();
}
