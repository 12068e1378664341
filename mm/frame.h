/*
 * The physical frame allocator: blocks of 2^order 4 KiB frames
 * (order 0..FRAME_MAX_ORDER), physically contiguous and aligned to their
 * size. One buddy zone (mm/buddy.c) over all RAM, behind frame_lock; in
 * front of it a small cache of free single frames per CPU (mm/frame.c), and
 * beside it a list of free single frames known to hold only zeros (empty
 * page tables given back by mm/pt_gather.c), which frame_alloc_zeroed(0)
 * hands out without clearing them again. Callable from any context,
 * interrupts on or off.
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

/* Like frame_alloc(), with the frames filled with zeros (order 0: a frame
 * of the zeroed list if there is one, not cleared again). frame_alloc()
 * takes from the zeroed list only when the zone has nothing left. */
struct page *frame_alloc_zeroed(int order);

/* Returns a block from frame_alloc() with the same order. */
void frame_free(struct page *page, int order);

/* Returns one frame (order 0) whose 4 KiB the caller knows to be all
 * zeros: it goes to the zeroed list (to the zone once that holds
 * ZEROED_MAX frames). DEBUG builds check every word and panic otherwise. */
void frame_free_zeroed(struct page *page);

/* Frames free now, zeroed list included; free blocks of one order, after
 * giving the zeroed list back to the zone (for tests and statistics); and
 * frames on the zeroed list. */
uint64_t frame_free_count(void);
uint64_t frame_free_blocks(int order);
uint64_t frame_zeroed_count(void);

/* Boot only (mm_init): start the zone over mem_map, then give it RAM. */
void frame_init(void);
void frame_add_range(uint64_t start_pfn, uint64_t end_pfn);

#endif
