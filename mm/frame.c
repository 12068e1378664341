/* The frame allocator: mm/buddy.c behind a lock; see mm/frame.h. */
#include "mm/frame.h"

#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

/* frame_lock protects zone and every descriptor of a free frame.
 * Taken with interrupts off: interrupt handlers may allocate. */
static struct spinlock frame_lock = SPINLOCK_INIT("frame");
static struct buddy_zone zone;

void frame_init(void)
{
    buddy_init(&zone, mem_map, max_pfn);
}

void frame_add_range(uint64_t start_pfn, uint64_t end_pfn)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    buddy_add_range(&zone, start_pfn, end_pfn);
    spin_unlock_irqrestore(&frame_lock, flags);
}

struct page *frame_alloc(int order)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    struct page *page = buddy_alloc(&zone, order);
    spin_unlock_irqrestore(&frame_lock, flags);
    if (page)
        page->refcount = 1;
    return page;
}

struct page *frame_alloc_zeroed(int order)
{
    struct page *page = frame_alloc(order);
    if (page)
        memset(page_to_virt(page), 0, PAGE_SIZE << order);
    return page;
}

void frame_free(struct page *page, int order)
{
    ASSERT(page->refcount == 1);
    page->refcount = 0;
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    buddy_free(&zone, page, order);
    spin_unlock_irqrestore(&frame_lock, flags);
}

uint64_t frame_free_count(void)
{
    return __atomic_load_n(&zone.free_frames, __ATOMIC_RELAXED);
}

uint64_t frame_free_blocks(int order)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    uint64_t blocks = zone.free_blocks[order];
    spin_unlock_irqrestore(&frame_lock, flags);
    return blocks;
}
