/*
 * The physical frame allocator: blocks of 2^order 4 KiB frames
 * (order 0..FRAME_MAX_ORDER), physically contiguous and aligned to their
 * size. One buddy zone (mm/buddy.c) over all RAM, behind frame_lock.
 * Callable from any context, interrupts on or off.
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdint.h>

#include "mm/buddy.h"
#include "mm/page.h"

#define FRAME_MAX_ORDER BUDDY_MAX_ORDER

/* Takes a block of 2^order frames; returns its head descriptor (refcount 1,
 * contents undefined) or NULL if no block that large is free. */
struct page *frame_alloc(int order);

/* Like frame_alloc(), with the frames filled with zeros. */
struct page *frame_alloc_zeroed(int order);

/* Returns a block from frame_alloc() with the same order. */
void frame_free(struct page *page, int order);

/* Frames free now, and free blocks of one order (for tests and statistics). */
uint64_t frame_free_count(void);
uint64_t frame_free_blocks(int order);

/* Boot only (mm_init): start the zone over mem_map, then give it RAM. */
void frame_init(void);
void frame_add_range(uint64_t start_pfn, uint64_t end_pfn);

#endif
