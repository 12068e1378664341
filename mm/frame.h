/*
 * The physical frame allocator: blocks of 2^order 4 KiB frames
 * (order 0..FRAME_MAX_ORDER), physically contiguous and aligned to their
 * size. One buddy zone (mm/buddy.c) over all RAM, behind frame_lock; in
 * front of it a small cache of free single frames per CPU, and frames known
 * to hold only zeros (empty page tables given back by mm/pt_gather.c),
 * kept per CPU and in a shared pool, which frame_alloc_zeroed(0) hands out
 * without clearing them again. Single-frame calls take frame_lock only once
 * per batch of frames (mm/frame.c, rules F1..F4). Callable from any context,
 * interrupts on or off.
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/buddy.h"
#include "mm/page.h"

#define FRAME_MAX_ORDER BUDDY_MAX_ORDER

/* A CPU's cache of single frames takes from the zone, and gives back to it
 * or to the zeroed pool, this many frames at once (mm/frame.c, F1, F2). */
#define FRAME_CACHE_BATCH_ORDER 4
#define FRAME_CACHE_BATCH (1 << FRAME_CACHE_BATCH_ORDER)

/* Takes a block of 2^order frames; returns its head descriptor (refcount 1,
 * contents undefined) or NULL if no block that large is free. */
struct page *frame_alloc(int order);

/* Like frame_alloc(), with the frames filled with zeros (order 0: a zeroed
 * frame of this CPU's cache or of the pool if there is one, not cleared
 * again). frame_alloc() takes zeroed frames only when the zone has nothing
 * left. */
struct page *frame_alloc_zeroed(int order);

/* One frame for user memory (a data page, a copy-on-write copy, a shared
 * page, a user page table), filled with zeros if 'zeroed': as
 * frame_alloc(0), but NULL once taking it would leave fewer than
 * frame_reserve() frames free. The reserve is for the kernel's own
 * allocations while the out-of-memory killer frees memory (kernel/oom.h,
 * O1). */
struct page *frame_alloc_user(bool zeroed);

/* The reserve of frame_alloc_user(): 1/128 of RAM, at least 128 frames
 * (512 KiB) and at most 2048 (8 MiB). */
uint64_t frame_reserve(void);

/* Returns a block from frame_alloc() with the same order. */
void frame_free(struct page *page, int order);

/* Returns one frame (order 0) whose 4 KiB the caller knows to be all
 * zeros: it goes to this CPU's zeroed frames (the surplus to the pool, and
 * to the zone once the pool holds ZEROED_MAX frames). DEBUG builds check
 * every word and panic otherwise. */
void frame_free_zeroed(struct page *page);

/* Frames free now, caches and zeroed frames included; free blocks of one
 * order, after giving every cache and zeroed frame back to the zone (for
 * tests and statistics); and zeroed frames (caches and pool). */
uint64_t frame_free_count(void);
uint64_t frame_free_blocks(int order);
uint64_t frame_zeroed_count(void);

/* Times this CPU has taken the allocator's global lock (tests of the fast
 * paths, which take none). The caller stays on one CPU. */
uint64_t frame_lock_taken_here(void);

/* Boot only (mm_init): start the zone over mem_map, then give it RAM. */
void frame_init(void);
void frame_add_range(uint64_t start_pfn, uint64_t end_pfn);

#endif
