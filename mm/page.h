/*
 * Page descriptors: one struct page per 4 KiB physical frame, from frame 0
 * to the top of RAM, holes and reserved frames included (they stay
 * PG_RESERVED forever). The array is mem_map[], indexed by frame number
 * (pfn = phys >> PAGE_SHIFT), allocated from usable RAM by mm/memmap.c.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/layout.h"

/* page->flags */
#define PG_RESERVED (1u << 0) /* never handed out: hole, firmware, kernel, module... */
#define PG_BUDDY (1u << 1)    /* heads a free block of 2^order frames in a free list */
#define PG_SLAB (1u << 2)     /* a kmalloc slab page (objects of one size class) */
#define PG_LARGE (1u << 3)    /* heads a kmalloc allocation of 2^order frames */
#define PG_PTABLE (1u << 4)   /* a live user page-table page (mm/pt_ref.h) */

/* A page-table page's lock: a 4-byte lock word (mm/pt_ref.h,
 * kernel/spinlock.h). */
struct pt_lock {
    uint32_t word;
};

struct page {
    /*
     * flags: PG_*. Written by the owner of the frame: the buddy allocator
     * (under its lock) while the frame is free, whoever allocated it after.
     */
    uint32_t flags;
    /*
     * refcount: atomic. 0 while free; frame_alloc() sets it to 1 on the head
     * frame of a block. A user page counts one reference per entry mapping
     * it, plus its shared object's and temporary ones (mm/user_page.h).
     */
    int32_t refcount;
    /*
     * order: with PG_BUDDY, the order of the free block this frame heads
     * (buddy lock held); with PG_LARGE, the order of the kmalloc block.
     */
    uint8_t order;
    /* slab_class: with PG_SLAB, the kmalloc size class (class lock held). */
    uint8_t slab_class;
    /* slab_in_use: with PG_SLAB, objects handed out from this page (class lock). */
    uint16_t slab_in_use;
    uint32_t pad; /* keeps next/prev 8-byte aligned */
    /*
     * next, prev: with PG_BUDDY, links of the free list of 'order' (buddy
     * lock); with PG_SLAB, links of the class's list of slabs with free
     * objects (class lock); 'next' alone links a free frame on the frame
     * allocator's list of zeroed frames (frame lock, mm/frame.c) and a user
     * page or table on its way to being freed (mm/as_internal.h). NULL
     * otherwise.
     */
    struct page *next, *prev;
    /*
     * With PG_SLAB: freelist, the first free object of the page, each free
     * object holding a pointer to the next (class lock).
     * With PG_LARGE: size, the byte count kmalloc() was asked for.
     * With PG_PTABLE: pt_parent, the table one level up (NULL for a PML4);
     * set before the table is published, constant while it lives.
     */
    union {
        void *freelist;
        uint64_t size;
        struct page *pt_parent;
    };
    /*
     * With PG_PTABLE (user page-table pages; the rules are in mm/pt_ref.h):
     *   pt_va     first user address the table maps; constant
     *   pt_count  atomic: entries in use + short-lived holders (+ 1 while
     *             pt_keep); drops to 0 only under the parent's pt_lock
     *   pt_lock   protects the table's entries; its holder never waits for
     *             another CPU (lockless walkers spin on it with interrupts off)
     *   pt_index  the table's slot in its parent; constant
     *   pt_level  1 (PTE table) .. 4 (PML4); constant
     *   pt_keep   ptfree=off: the table holds one keep reference (pt_lock)
     */
    uint64_t pt_va;
    int32_t pt_count;
    struct pt_lock pt_lock;
    uint16_t pt_index;
    uint8_t pt_level;
    uint8_t pt_keep;
};
_Static_assert(sizeof(struct page) == 64, "struct page is one cache line");

/* mem_map[pfn] describes frame pfn; valid for pfn < max_pfn. Set once by mm_init(). */
extern struct page *mem_map;
extern uint64_t max_pfn;

static inline uint64_t page_to_pfn(const struct page *page)
{
    return (uint64_t)(page - mem_map);
}

static inline uint64_t page_to_phys(const struct page *page)
{
    return page_to_pfn(page) << PAGE_SHIFT;
}

/* True if 'phys' has a descriptor (it may still be a hole: PG_RESERVED). */
static inline bool phys_valid(uint64_t phys)
{
    return (phys >> PAGE_SHIFT) < max_pfn;
}

/* The descriptor of the frame holding 'phys'; phys_valid(phys) must hold. */
static inline struct page *phys_to_page(uint64_t phys)
{
    return &mem_map[phys >> PAGE_SHIFT];
}

/* The frame's address in the direct map. */
static inline void *page_to_virt(const struct page *page)
{
    return phys_to_virt(page_to_phys(page));
}

/* The descriptor of the frame holding 'virt' (direct map or kernel image). */
static inline struct page *virt_to_page(const void *virt)
{
    return phys_to_page(virt_to_phys(virt));
}

#endif
