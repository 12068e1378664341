/*
 * The region map of one user address space: which ranges of user virtual
 * memory are mapped, with which protection and kind (Linux's VMAs).
 * Pure data structure: no page tables, no hardware. Memory for regions and
 * the index comes from kmalloc()/kfree() (malloc/free in host tests).
 *
 * Representation: a sorted array of pointers to individually allocated
 * regions. Finding the region of an address is a binary search, O(log n);
 * changing the map moves pointers, O(n); a gap search is O(n). n is small
 * for real programs (tens to a few thousand) and bounded by max_count.
 * A struct vma stays at the same address until it is removed, merged into
 * a neighbour or the map is destroyed.
 *
 * Rules:
 *  - the caller holds the address space's lock (written side for every
 *    function that changes the map, read side at least for lookups);
 *    pointers returned by lookups are valid only while it is held and
 *    until the next change;
 *  - v[0..count) are sorted by start, never overlap, and no two adjacent
 *    ones are compatible (vma_compatible): every change merges at once;
 *  - every change either succeeds completely or returns -ENOMEM and leaves
 *    the map as it was (memory is reserved before anything is touched);
 *  - count never exceeds max_count (Linux's vm.max_map_count).
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/layout.h"
#include "mm/mman.h"

/* The lowest address above user space (Linux's TASK_SIZE, 4-level paging). */
#define USER_TOP 0x00007ffffffff000ul

/* Linux's default vm.max_map_count (USHRT_MAX - 5). */
#define VMA_MAX_COUNT_DEFAULT 65530u

/* Free space kept below a stack region by searches and brk (Linux's
 * stack_guard_gap: 256 pages). MAP_FIXED may still map into it. */
#define STACK_GUARD_GAP (256 * PAGE_SIZE)

/* vma->flags */
#define VMA_SHARED (1u << 0)    /* MAP_SHARED: writes reach the object, seen by all */
#define VMA_GROWSDOWN (1u << 1) /* a stack: faults just below it extend it */
#define VMA_DROPPABLE (1u << 2) /* MAP_DROPPABLE: contents may be dropped */
#define VMA_DONTFORK (1u << 3)  /* MADV_DONTFORK: a child does not inherit it */
#define VMA_WIPEONFORK (1u << 4) /* MADV_WIPEONFORK: a child sees zeros */

struct vma {
    uint64_t start, end; /* [start, end): page aligned, start < end <= USER_TOP */
    uint32_t prot;       /* PROT_READ | PROT_WRITE | PROT_EXEC */
    uint32_t flags;      /* VMA_* */
    /*
     * object: what backs the region (a file, a shared anonymous object),
     * NULL for private anonymous memory; pgoff: the page of the object
     * mapped at 'start'. The map never dereferences 'object'; whoever
     * creates regions keeps the object alive while regions point to it.
     */
    void *object;
    uint64_t pgoff;
};

struct vma_map {
    struct vma **v;      /* v[0..count): the regions, sorted (see Rules) */
    uint32_t count;
    uint32_t cap;        /* slots allocated in v */
    uint32_t max_count;  /* a change that would leave more regions fails */
};

/* Starts an empty map whose changes fail beyond max_count regions. */
void vma_map_init(struct vma_map *map, uint32_t max_count);

/* Frees every region and the index; the map is empty afterwards. */
void vma_map_destroy(struct vma_map *map);

/* True if b directly follows a and the two could be one region. */
bool vma_compatible(const struct vma *a, const struct vma *b);

/* The region containing addr, or NULL. O(log n). */
struct vma *vma_find(const struct vma_map *map, uint64_t addr);

/* The first region ending above addr (containing it or after it), or NULL
 * (Linux's find_vma). O(log n). */
struct vma *vma_first_above(const struct vma_map *map, uint64_t addr);

/* The first region intersecting [start, end), or NULL. O(log n). */
struct vma *vma_first_in(const struct vma_map *map, uint64_t start, uint64_t end);

/* The region after / before 'vma' in address order, or NULL. O(log n). */
struct vma *vma_next(const struct vma_map *map, const struct vma *vma);
struct vma *vma_prev(const struct vma_map *map, const struct vma *vma);

/* Iterates over the regions intersecting [lo, hi) in address order;
 * the body must not change the map. */
#define vma_for_each_in(map, it, lo, hi)                                       \
    for (struct vma *it = vma_first_in((map), (lo), (hi));                    \
         it && it->start < (hi); it = vma_next((map), it))

/* The end of the mapped run starting at 'start', at most 'end': 'start'
 * itself if start is not mapped; 'end' if [start, end) has no hole. */
uint64_t vma_mapped_end(const struct vma_map *map, uint64_t start, uint64_t end);

/* Where the free space below / above a region begins, guard gaps counted
 * (Linux's vm_start_gap / vm_end_gap). */
uint64_t vma_start_gap(const struct vma *vma);
uint64_t vma_end_gap(const struct vma *vma);

/* Highest (topdown) / lowest (bottomup) page-aligned address a with
 * [a, a + len) inside [low, high) and free, guard gaps respected.
 * len, low and high page aligned. Returns 0 and sets *addr, or -ENOMEM. */
int vma_gap_topdown(const struct vma_map *map, uint64_t len, uint64_t low, uint64_t high,
                    uint64_t *addr);
int vma_gap_bottomup(const struct vma_map *map, uint64_t len, uint64_t low, uint64_t high,
                     uint64_t *addr);

/*
 * Maps [new->start, new->end) with new's attributes, replacing whatever was
 * mapped there (MAP_FIXED), and merges with compatible neighbours.
 * Returns 0, or -ENOMEM with the map unchanged.
 */
int vma_insert(struct vma_map *map, const struct vma *new);

/* Unmaps [start, end) and maps new's range, which does not meet it, as one
 * change (mremap's move): both or neither. Returns 0, or -ENOMEM with the
 * map unchanged. */
int vma_remap(struct vma_map *map, uint64_t start, uint64_t end, const struct vma *new);

/* Unmaps [start, end) (page aligned; holes allowed), splitting regions that
 * straddle its ends. Returns 0, or -ENOMEM with the map unchanged. */
int vma_remove(struct vma_map *map, uint64_t start, uint64_t end);

/* Sets the protection of the mapped parts of [start, end), splitting and
 * merging as needed. Returns 0, or -ENOMEM with the map unchanged. */
int vma_protect(struct vma_map *map, uint64_t start, uint64_t end, uint32_t prot);

/* Clears then sets VMA_* flags on the mapped parts of [start, end), like
 * vma_protect(). Returns 0, or -ENOMEM with the map unchanged. */
int vma_set_flags(struct vma_map *map, uint64_t start, uint64_t end, uint32_t clear,
                  uint32_t set);

#endif
