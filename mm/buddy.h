/*
 * The buddy allocator's pure logic: free blocks of 2^order frames
 * (order 0..BUDDY_MAX_ORDER) kept in one list per order, split on
 * allocation, merged with their buddy (the block whose frame number
 * differs only in bit 'order') on free. It touches only page descriptors,
 * never the frames, so tests/host/test_buddy.c runs it over fake memory.
 *
 * Rules:
 *  - the caller serializes all calls on one zone (mm/frame.c: frame_lock);
 *  - a free block's head frame has PG_BUDDY and its order; its other frames
 *    have neither; PG_RESERVED frames never enter the zone;
 *  - blocks are always fully merged: after any call, no two free buddies of
 *    the same order are both in the lists.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include <stdint.h>

#include "mm/page.h"

#define BUDDY_MAX_ORDER 10 /* blocks up to 4 MiB */

struct buddy_zone {
    struct page *pages;  /* descriptors, indexed by frame number */
    uint64_t npages;     /* frames 0..npages-1 may be managed */
    struct page *free_list[BUDDY_MAX_ORDER + 1];
    uint64_t free_blocks[BUDDY_MAX_ORDER + 1]; /* blocks in each list */
    uint64_t free_frames;
};

/* Starts an empty zone over 'pages' (npages descriptors, set up by the caller). */
void buddy_init(struct buddy_zone *zone, struct page *pages, uint64_t npages);

/* Gives frames [start_pfn, end_pfn) to the zone; they must be PG_RESERVED
 * (the flag is cleared) and below zone->npages. */
void buddy_add_range(struct buddy_zone *zone, uint64_t start_pfn, uint64_t end_pfn);

/* Takes a block of 2^order frames; returns its head descriptor (flags 0) or
 * NULL if no block that large is free. */
struct page *buddy_alloc(struct buddy_zone *zone, int order);

/* Returns the block headed by 'page', of 2^order frames, from buddy_alloc(). */
void buddy_free(struct buddy_zone *zone, struct page *page, int order);

#endif
