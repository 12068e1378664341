/* The buddy allocator's split/merge logic; see mm/buddy.h. */
#include "mm/buddy.h"

#include "kernel/panic.h"

static void list_push(struct buddy_zone *zone, struct page *page, int order)
{
    page->flags |= PG_BUDDY;
    page->order = order;
    page->prev = NULL;
    page->next = zone->free_list[order];
    if (page->next)
        page->next->prev = page;
    zone->free_list[order] = page;
    zone->free_blocks[order]++;
}

static void list_remove(struct buddy_zone *zone, struct page *page, int order)
{
    if (page->prev)
        page->prev->next = page->next;
    else
        zone->free_list[order] = page->next;
    if (page->next)
        page->next->prev = page->prev;
    page->next = page->prev = NULL;
    page->flags &= ~PG_BUDDY;
    zone->free_blocks[order]--;
}

void buddy_init(struct buddy_zone *zone, struct page *pages, uint64_t npages)
{
    *zone = (struct buddy_zone){.pages = pages, .npages = npages};
}

void buddy_add_range(struct buddy_zone *zone, uint64_t start_pfn, uint64_t end_pfn)
{
    ASSERT(end_pfn <= zone->npages);
    for (uint64_t pfn = start_pfn; pfn < end_pfn; pfn++) {
        ASSERT(zone->pages[pfn].flags == PG_RESERVED);
        zone->pages[pfn].flags = 0;
    }
    /* Free the range as the largest aligned blocks that fit; buddy_free()
     * merges them with neighbours already in the zone. */
    uint64_t pfn = start_pfn;
    while (pfn < end_pfn) {
        int order = 0;
        while (order < BUDDY_MAX_ORDER && pfn % (2ul << order) == 0 &&
               pfn + (2ul << order) <= end_pfn)
            order++;
        buddy_free(zone, &zone->pages[pfn], order);
        pfn += 1ul << order;
    }
}

struct page *buddy_alloc(struct buddy_zone *zone, int order)
{
    ASSERT(order >= 0 && order <= BUDDY_MAX_ORDER);
    int found = order;
    while (found <= BUDDY_MAX_ORDER && !zone->free_list[found])
        found++;
    if (found > BUDDY_MAX_ORDER)
        return NULL;
    struct page *page = zone->free_list[found];
    list_remove(zone, page, found);
    /* Split: keep the lower half, give the upper half back, until it fits. */
    while (found > order) {
        found--;
        list_push(zone, page + (1ul << found), found);
    }
    zone->free_frames -= 1ul << order;
    return page;
}

void buddy_free(struct buddy_zone *zone, struct page *page, int order)
{
    uint64_t pfn = (uint64_t)(page - zone->pages);
    ASSERT(order >= 0 && order <= BUDDY_MAX_ORDER);
    ASSERT(pfn % (1ul << order) == 0 && pfn + (1ul << order) <= zone->npages);
    ASSERT(!(page->flags & (PG_BUDDY | PG_RESERVED)));
    page->flags = 0;
    zone->free_frames += 1ul << order;
    while (order < BUDDY_MAX_ORDER) {
        uint64_t buddy_pfn = pfn ^ (1ul << order);
        if (buddy_pfn + (1ul << order) > zone->npages)
            break;
        struct page *buddy = &zone->pages[buddy_pfn];
        if (!(buddy->flags & PG_BUDDY) || buddy->order != order)
            break;
        list_remove(zone, buddy, order);
        if (buddy_pfn < pfn)
            pfn = buddy_pfn;
        order++;
    }
    list_push(zone, &zone->pages[pfn], order);
}
