/*
 * Shared anonymous memory (mmap with MAP_SHARED | MAP_ANONYMOUS): an object
 * holding the pages of the mapping by page index, so that every address
 * space mapping it (a parent and its children after fork) reaches the same
 * frames. A page is allocated, zeroed, at its first touch.
 *
 * Rules:
 *  - 'refs' (atomic) counts the holders: mm/as.c keeps one per address
 *    space whose regions point to the object, whatever the number of
 *    regions; the last shm_put frees the object and drops its pages;
 *  - 'lock' protects pages[]; it nests inside an address space's lock;
 *  - each page in pages[] holds one reference for the object
 *    (mm/user_page.h); each page-table entry mapping it holds another.
 */
#ifndef MM_SHM_H
#define MM_SHM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/spinlock.h"
#include "mm/page.h"

struct shm_object {
    int refs;
    struct spinlock lock;
    uint64_t npages;     /* constant */
    struct page **pages; /* lock; pages[0..npages), NULL: never touched */
};

/* An object of 'npages' zero pages (none allocated yet), refs = 1. NULL
 * without memory (the index is one kmalloc block: at most 2 GiB of
 * mapping with 4 MiB blocks). */
struct shm_object *shm_create(uint64_t npages);

void shm_get(struct shm_object *obj);
void shm_put(struct shm_object *obj);

/* The page at 'index' (< npages) with one more reference for the caller,
 * allocated zeroed if it never was. NULL without memory. */
struct page *shm_get_page(struct shm_object *obj, uint64_t index);

/* True if the page at 'index' exists (mincore). */
bool shm_has_page(struct shm_object *obj, uint64_t index);

/* Drops the object's pages [first, first + count) (MADV_REMOVE): the next
 * touch sees zeros. Entries still mapping a dropped page keep it. Pages
 * whose last reference this drops are linked through page->next onto
 * *freed, for the caller to frame_free() once no TLB can reach them. */
void shm_remove_pages(struct shm_object *obj, uint64_t first, uint64_t count,
                      struct page **freed);

#endif
