/* Size-class slabs and whole-frame allocations; see mm/kmalloc.h. */
#include "mm/kmalloc.h"

#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "mm/frame.h"

#define KMALLOC_CLASSES 8 /* 16 << 0 .. 16 << 7 = 2048 */
_Static_assert((KMALLOC_MIN_SIZE << (KMALLOC_CLASSES - 1)) == KMALLOC_MAX_SMALL,
               "size classes end at KMALLOC_MAX_SMALL");

struct kmem_class {
    /* lock protects 'partial' and the slab fields (freelist, slab_in_use,
     * next, prev) of every page of this class. Taken with interrupts off. */
    struct spinlock lock;
    uint32_t size;
    /* Slab pages of this class with at least one free object. A page with
     * no object in use goes back to the frame allocator at once. */
    struct page *partial;
};

static struct kmem_class classes[KMALLOC_CLASSES] = {
    {SPINLOCK_INIT("kmalloc-16"), 16, NULL},
    {SPINLOCK_INIT("kmalloc-32"), 32, NULL},
    {SPINLOCK_INIT("kmalloc-64"), 64, NULL},
    {SPINLOCK_INIT("kmalloc-128"), 128, NULL},
    {SPINLOCK_INIT("kmalloc-256"), 256, NULL},
    {SPINLOCK_INIT("kmalloc-512"), 512, NULL},
    {SPINLOCK_INIT("kmalloc-1024"), 1024, NULL},
    {SPINLOCK_INIT("kmalloc-2048"), 2048, NULL},
};

/* Atomic: objects returned by kmalloc() and not freed. */
static uint64_t objects_in_use;

/* The smallest class holding 'size' bytes (size <= KMALLOC_MAX_SMALL). */
static int size_class(size_t size)
{
    int c = 0;
    while ((size_t)(KMALLOC_MIN_SIZE << c) < size)
        c++;
    return c;
}

static void partial_push(struct kmem_class *cls, struct page *page)
{
    page->prev = NULL;
    page->next = cls->partial;
    if (page->next)
        page->next->prev = page;
    cls->partial = page;
}

static void partial_remove(struct kmem_class *cls, struct page *page)
{
    if (page->prev)
        page->prev->next = page->next;
    else
        cls->partial = page->next;
    if (page->next)
        page->next->prev = page->prev;
    page->next = page->prev = NULL;
}

/* Makes a new slab page for class c with every object free and puts it on
 * the class's partial list; returns false if no frame is free.
 * Caller holds cls->lock. */
static bool slab_grow(struct kmem_class *cls, int c)
{
    struct page *page = frame_alloc(0);
    if (!page)
        return false;
    char *base = page_to_virt(page);
    void *next = NULL;
    for (uint64_t off = PAGE_SIZE; off >= cls->size; off -= cls->size) {
        void **obj = (void **)(base + off - cls->size);
        *obj = next;
        next = obj;
    }
    page->flags = PG_SLAB;
    page->slab_class = c;
    page->slab_in_use = 0;
    page->freelist = next;
    partial_push(cls, page);
    return true;
}

/* Takes a whole-frame block for 'size' bytes. */
static void *large_alloc(size_t size)
{
    int order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    if (order > FRAME_MAX_ORDER)
        return NULL;
    struct page *page = frame_alloc(order);
    if (!page)
        return NULL;
    page->flags = PG_LARGE;
    page->order = order;
    page->size = size;
    return page_to_virt(page);
}

void *kmalloc(size_t size)
{
    void *obj;
    if (size == 0)
        return NULL;
    if (size > KMALLOC_MAX_SMALL) {
        obj = large_alloc(size);
    } else {
        int c = size_class(size);
        struct kmem_class *cls = &classes[c];
        uint64_t flags = spin_lock_irqsave(&cls->lock);
        if (!cls->partial && !slab_grow(cls, c)) {
            spin_unlock_irqrestore(&cls->lock, flags);
            return NULL;
        }
        struct page *page = cls->partial;
        obj = page->freelist;
        page->freelist = *(void **)obj;
        page->slab_in_use++;
        if (!page->freelist)
            partial_remove(cls, page);
        spin_unlock_irqrestore(&cls->lock, flags);
    }
    if (obj)
        __atomic_fetch_add(&objects_in_use, 1, __ATOMIC_RELAXED);
    return obj;
}

void *kzalloc(size_t size)
{
    void *obj = kmalloc(size);
    if (obj)
        memset(obj, 0, size);
    return obj;
}

void kfree(void *ptr)
{
    if (!ptr)
        return;
    struct page *page = virt_to_page(ptr);
    if (page->flags & PG_LARGE) {
        ASSERT(ptr == page_to_virt(page));
        page->flags = 0;
        frame_free(page, page->order);
    } else if (page->flags & PG_SLAB) {
        struct kmem_class *cls = &classes[page->slab_class];
        uint64_t flags = spin_lock_irqsave(&cls->lock);
        ASSERT((uint64_t)ptr % cls->size == 0 && page->slab_in_use > 0);
        if (!page->freelist)
            partial_push(cls, page);
        *(void **)ptr = page->freelist;
        page->freelist = ptr;
        if (--page->slab_in_use == 0) {
            partial_remove(cls, page);
            page->flags = 0;
            frame_free(page, 0);
        }
        spin_unlock_irqrestore(&cls->lock, flags);
    } else {
        panic("kfree(%p): not an address kmalloc returned", ptr);
    }
    __atomic_fetch_sub(&objects_in_use, 1, __ATOMIC_RELAXED);
}

uint64_t kmalloc_in_use(void)
{
    return __atomic_load_n(&objects_in_use, __ATOMIC_RELAXED);
}
