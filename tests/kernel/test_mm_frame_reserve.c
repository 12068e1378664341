/* The reserve of frame_alloc_user() (mm/frame.h; kernel/oom.h, O1): user
 * memory stops at the reserve, and the kernel's own allocations still
 * succeed below it. Runs while nothing else allocates user memory. */
#include "kernel/printk.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "tests/kernel/ktest.h"

KTEST(mm_frame_user_allocations_leave_the_reserve_to_the_kernel)
{
    struct page *taken = NULL;
    uint64_t count = 0;
    struct page *page;
    while ((page = frame_alloc_user(count % 2 == 0))) {
        page->next = taken;
        taken = page;
        count++;
    }
    uint64_t left = frame_free_count();
    struct page *kernel = frame_alloc(0);
    struct page *kernel_zeroed = frame_alloc_zeroed(0);
    printk("# %lu user frames taken, %lu left free, reserve %lu\n", count, left,
               frame_reserve());
    if (kernel)
        frame_free(kernel, 0);
    if (kernel_zeroed)
        frame_free(kernel_zeroed, 0);
    while (taken) {
        page = taken;
        taken = page->next;
        page->next = NULL;
        frame_free(page, 0);
    }
    KEXPECT(count > 0);
    KEXPECT(left >= frame_reserve() && left <= frame_reserve() + 1);
    KEXPECT(kernel != NULL);
    KEXPECT(kernel_zeroed != NULL);
}
