/* The frame allocator: mm/buddy.c behind a lock, and a list of frames known
 * to hold only zeros; see mm/frame.h. */
#include "mm/frame.h"

#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

/* Zeroed frames kept apart at most: a pass of the sparse reclaim benchmark
 * frees about 4,100 empty tables (docs/compare.md). 32 MiB. */
#define ZEROED_MAX 8192

/* frame_lock protects zone, every descriptor of a free frame, and the
 * zeroed list: free order-0 frames, all zeros, linked through page->next,
 * zeroed_count of them (counted free by frame_free_count, not by zone).
 * Taken with interrupts off: interrupt handlers may allocate. */
static struct spinlock frame_lock = SPINLOCK_INIT("frame");
static struct buddy_zone zone;
static struct page *zeroed;
static uint64_t zeroed_count;

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

/* Takes a frame off the zeroed list (NULL if empty). frame_lock held. */
static struct page *zeroed_pop(void)
{
    struct page *page = zeroed;
    if (page) {
        zeroed = page->next;
        page->next = NULL;
        __atomic_store_n(&zeroed_count, zeroed_count - 1, __ATOMIC_RELAXED);
    }
    return page;
}

/* Gives every zeroed frame back to the zone. frame_lock held. */
static void zeroed_drain(void)
{
    struct page *page;
    while ((page = zeroed_pop()))
        buddy_free(&zone, page, 0);
}

struct page *frame_alloc(int order)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    struct page *page = buddy_alloc(&zone, order);
    if (!page && zeroed_count) {
        if (order == 0) {
            page = zeroed_pop();
        } else {
            zeroed_drain(); /* they may merge into a block this large */
            page = buddy_alloc(&zone, order);
        }
    }
    spin_unlock_irqrestore(&frame_lock, flags);
    if (page)
        page->refcount = 1;
    return page;
}

struct page *frame_alloc_zeroed(int order)
{
    if (order == 0) {
        uint64_t flags = spin_lock_irqsave(&frame_lock);
        struct page *page = zeroed_pop();
        spin_unlock_irqrestore(&frame_lock, flags);
        if (page) {
            page->refcount = 1;
            return page;
        }
    }
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

void frame_free_zeroed(struct page *page)
{
    ASSERT(page->refcount == 1);
#ifdef DEBUG
    const uint64_t *words = page_to_virt(page);
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        if (words[i])
            panic("frame_free_zeroed: frame %lx has word %lu = %lx", page_to_phys(page), i,
                  words[i]);
#endif
    page->refcount = 0;
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    if (zeroed_count < ZEROED_MAX) {
        page->next = zeroed;
        zeroed = page;
        __atomic_store_n(&zeroed_count, zeroed_count + 1, __ATOMIC_RELAXED);
    } else {
        buddy_free(&zone, page, 0);
    }
    spin_unlock_irqrestore(&frame_lock, flags);
}

uint64_t frame_free_count(void)
{
    return __atomic_load_n(&zone.free_frames, __ATOMIC_RELAXED) +
           __atomic_load_n(&zeroed_count, __ATOMIC_RELAXED);
}

uint64_t frame_free_blocks(int order)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    zeroed_drain();
    uint64_t blocks = zone.free_blocks[order];
    spin_unlock_irqrestore(&frame_lock, flags);
    return blocks;
}

uint64_t frame_zeroed_count(void)
{
    return __atomic_load_n(&zeroed_count, __ATOMIC_RELAXED);
}
