/* The frame allocator: mm/buddy.c behind a lock, and a list of frames known
 * to hold only zeros; see mm/frame.h. */
#include "mm/frame.h"

#include "kernel/panic.h"
#include "kernel/percpu.h"
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

/*
 * Per-CPU caches of free single frames. Most order-0 allocations and frees
 * take only their CPU's cache lock, which nobody else takes but a drain, and
 * not frame_lock, which every CPU shares: under QEMU a vCPU descheduled by
 * the host while it holds or waits for frame_lock stalls all the others
 * (docs/compare.md, "Where prune is behind"). A cache is refilled from the
 * zone CACHE_BATCH frames at a time and gives CACHE_BATCH back once it
 * holds more than CACHE_HIGH. Its frames count as free; when the zone runs
 * out, or an exact count of blocks is asked, every cache is drained.
 * Lock order: a cache lock (one at a time), then frame_lock. Both are taken
 * with interrupts off.
 */
#define CACHE_BATCH 16
#define CACHE_HIGH (2 * CACHE_BATCH)

struct frame_cache {
    struct spinlock lock;
    struct page *frames; /* lock; through page->next */
    uint64_t count;      /* lock; atomic stores, read without it by frame_free_count */
};

static struct frame_cache caches[MAX_CPUS];

void frame_init(void)
{
    buddy_init(&zone, mem_map, max_pfn);
    for (int i = 0; i < MAX_CPUS; i++)
        spin_init(&caches[i].lock, "frame_cache");
}

/* Pushes / pops one frame of cache c; c->lock held. */
static void cache_push(struct frame_cache *c, struct page *page)
{
    page->next = c->frames;
    c->frames = page;
    __atomic_store_n(&c->count, c->count + 1, __ATOMIC_RELAXED);
}

static struct page *cache_pop(struct frame_cache *c)
{
    struct page *page = c->frames;
    if (page) {
        c->frames = page->next;
        page->next = NULL;
        __atomic_store_n(&c->count, c->count - 1, __ATOMIC_RELAXED);
    }
    return page;
}

/* Moves up to n frames of cache c back to the zone; c->lock held. */
static void cache_give_back(struct frame_cache *c, uint64_t n)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    struct page *page;
    while (n-- && (page = cache_pop(c)))
        buddy_free(&zone, page, 0);
    spin_unlock_irqrestore(&frame_lock, flags);
}

/* One frame from this CPU's cache, refilled from the zone if empty; NULL
 * if both are empty. */
static struct page *cache_alloc(void)
{
    uint64_t flags = irq_save();
    struct frame_cache *c = &caches[this_cpu_id()];
    spin_lock(&c->lock);
    if (!c->frames) {
        uint64_t zone_flags = spin_lock_irqsave(&frame_lock);
        struct page *page;
        for (int i = 0; i < CACHE_BATCH && (page = buddy_alloc(&zone, 0)); i++)
            cache_push(c, page);
        spin_unlock_irqrestore(&frame_lock, zone_flags);
    }
    struct page *page = cache_pop(c);
    spin_unlock(&c->lock);
    irq_restore(flags);
    return page;
}

/* A free frame into this CPU's cache, trimmed if it grew too large. */
static void cache_free(struct page *page)
{
    uint64_t flags = irq_save();
    struct frame_cache *c = &caches[this_cpu_id()];
    spin_lock(&c->lock);
    cache_push(c, page);
    if (c->count > CACHE_HIGH)
        cache_give_back(c, CACHE_BATCH);
    spin_unlock(&c->lock);
    irq_restore(flags);
}

/* Gives every cached frame back to the zone; true if there was any. */
static bool drain_caches(void)
{
    bool any = false;
    for (int i = 0; i < MAX_CPUS; i++) {
        struct frame_cache *c = &caches[i];
        if (!__atomic_load_n(&c->count, __ATOMIC_RELAXED))
            continue;
        uint64_t flags = spin_lock_irqsave(&c->lock);
        any |= c->count > 0;
        cache_give_back(c, c->count);
        spin_unlock_irqrestore(&c->lock, flags);
    }
    return any;
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

/* A block from the zone, or (order 0, zone empty) a zeroed frame; NULL if
 * neither has one. */
static struct page *zone_alloc(int order)
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
    return page;
}

struct page *frame_alloc(int order)
{
    struct page *page = order == 0 ? cache_alloc() : NULL;
    if (!page)
        page = zone_alloc(order);
    if (!page && drain_caches()) /* other CPUs' caches hold the rest */
        page = zone_alloc(order);
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
    if (order == 0) {
        cache_free(page);
        return;
    }
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
    uint64_t n = __atomic_load_n(&zone.free_frames, __ATOMIC_RELAXED) +
                 __atomic_load_n(&zeroed_count, __ATOMIC_RELAXED);
    for (int i = 0; i < MAX_CPUS; i++)
        n += __atomic_load_n(&caches[i].count, __ATOMIC_RELAXED);
    return n;
}

uint64_t frame_free_blocks(int order)
{
    drain_caches();
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
