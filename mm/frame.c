/* The frame allocator: mm/buddy.c behind frame_lock, with per-CPU caches in
 * front of it and zeroed frames kept apart; see mm/frame.h. */
#include "mm/frame.h"

#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "mm/arch_hooks.h"

/*
 * Where a free frame is (each place counted free by frame_free_count()):
 *   the zone          blocks of any order (mm/buddy.c); frame_lock
 *   the zeroed pool   single frames holding only zeros; frame_lock
 *   a CPU's cache     single frames, plain or all zeros; the cache's lock
 *
 * Rules:
 *  F1 Single-frame allocations and frees take only their CPU's cache lock,
 *     which nobody else takes but a drain; frame_lock, which every CPU
 *     shares, is taken once per CACHE_BATCH frames to refill or trim a
 *     cache. Under QEMU a vCPU that the host deschedules while it holds a
 *     lock stalls every CPU that waits for it: with 16 vCPUs on 2 host
 *     cores, a lock taken on every fault made faults 260 times slower
 *     (tests/user/test_sparse_faults.c).
 *  F2 frame_lock's critical sections are short and bounded: a refill takes
 *     one block of CACHE_BATCH frames (one buddy_alloc) and splits it once
 *     the lock is dropped; only when no such block is left does it take
 *     up to CACHE_BATCH single frames.
 *  F3 Nothing is locked to find nothing: an empty zeroed pool is seen from
 *     its count, read without frame_lock.
 *  F4 An allocation the zone cannot satisfy takes from the zeroed pool, then
 *     gives every cache back to the zone (drain_caches) and tries once more
 *     before it fails: a frame cached anywhere is never out of reach.
 * Lock order: a cache lock (one at a time), then frame_lock. Both are taken
 * with interrupts off: interrupt handlers may allocate.
 */
#define CACHE_BATCH_ORDER FRAME_CACHE_BATCH_ORDER
#define CACHE_BATCH FRAME_CACHE_BATCH
#define CACHE_HIGH (2 * CACHE_BATCH)

/* Zeroed frames the pool keeps at most: a pass of the sparse reclaim
 * benchmark frees about 4,100 empty tables (docs/compare.md). 32 MiB. */
#define ZEROED_MAX 8192

/* A list of free single frames through page->next. */
struct frame_list {
    struct page *head;
    uint64_t count; /* atomic stores: read without the list's lock */
};

static void list_push(struct frame_list *list, struct page *page)
{
    page->next = list->head;
    list->head = page;
    __atomic_store_n(&list->count, list->count + 1, __ATOMIC_RELAXED);
}

/* The frame pushed last, or NULL if the list is empty. */
static struct page *list_pop(struct frame_list *list)
{
    struct page *page = list->head;
    if (page) {
        list->head = page->next;
        page->next = NULL;
        __atomic_store_n(&list->count, list->count - 1, __ATOMIC_RELAXED);
    }
    return page;
}

static uint64_t list_count(const struct frame_list *list)
{
    return __atomic_load_n(&list->count, __ATOMIC_RELAXED);
}

/* frame_lock protects the zone, every descriptor of a free frame in it, and
 * the zeroed pool; taken only through zone_lock(). */
static struct spinlock frame_lock = SPINLOCK_INIT("frame");
static struct buddy_zone zone;
static struct frame_list zeroed_pool;

/* Times each CPU took frame_lock; each slot written by its CPU only. */
static uint64_t zone_locked[MAX_CPUS];

/* Takes frame_lock (interrupts off) and counts it; returns the flags for
 * zone_unlock(). */
static uint64_t zone_lock(void)
{
    uint64_t flags = spin_lock_irqsave(&frame_lock);
    zone_locked[this_cpu_id()]++;
    return flags;
}

static void zone_unlock(uint64_t flags)
{
    spin_unlock_irqrestore(&frame_lock, flags);
}

/* A CPU's cache (F1); one cache line each, so CPUs do not share lines. */
struct frame_cache {
    struct spinlock lock;
    struct frame_list plain;  /* lock */
    struct frame_list zeroed; /* lock; every frame all zeros */
} __attribute__((aligned(64)));

static struct frame_cache caches[MAX_CPUS];

/* Frames given to the zone at boot, and frame_alloc_user()'s reserve; set
 * by frame_add_range() before any allocation. */
static uint64_t frames_total;
static uint64_t reserve_frames;

#define RESERVE_MIN 128
#define RESERVE_MAX 2048

void frame_init(void)
{
    buddy_init(&zone, mem_map, max_pfn);
    for (int i = 0; i < MAX_CPUS; i++)
        spin_init(&caches[i].lock, "frame_cache");
}

void frame_add_range(uint64_t start_pfn, uint64_t end_pfn)
{
    uint64_t flags = zone_lock();
    buddy_add_range(&zone, start_pfn, end_pfn);
    zone_unlock(flags);
    frames_total += end_pfn - start_pfn;
    reserve_frames = frames_total / 128;
    if (reserve_frames < RESERVE_MIN)
        reserve_frames = RESERVE_MIN;
    if (reserve_frames > RESERVE_MAX)
        reserve_frames = RESERVE_MAX;
}

/* This CPU's cache, locked, with interrupts off; *flags is for
 * cache_unlock(). */
static struct frame_cache *cache_lock(uint64_t *flags)
{
    *flags = irq_save();
    struct frame_cache *c = &caches[this_cpu_id()];
    spin_lock(&c->lock);
    return c;
}

static void cache_unlock(struct frame_cache *c, uint64_t flags)
{
    spin_unlock(&c->lock);
    irq_restore(flags);
}

/* Fills c's plain list from the zone (F2); c->lock held, list empty. */
static void refill_plain(struct frame_cache *c)
{
    uint64_t flags = zone_lock();
    struct page *block = buddy_alloc(&zone, CACHE_BATCH_ORDER), *page;
    for (int i = 0; !block && i < CACHE_BATCH && (page = buddy_alloc(&zone, 0)); i++)
        list_push(&c->plain, page);
    zone_unlock(flags);
    /* a block's frames other than the head carry no buddy state */
    for (int i = 0; block && i < CACHE_BATCH; i++)
        list_push(&c->plain, block + i);
}

/* Fills c's zeroed list from the zeroed pool, if it has frames (F3); c->lock
 * held. */
static void refill_zeroed(struct frame_cache *c)
{
    if (!list_count(&zeroed_pool))
        return;
    uint64_t flags = zone_lock();
    struct page *page;
    for (int i = 0; i < CACHE_BATCH && (page = list_pop(&zeroed_pool)); i++)
        list_push(&c->zeroed, page);
    zone_unlock(flags);
}

/* Moves up to n frames of 'list' (a cache's, its lock held) back: zeroed
 * frames to the zeroed pool while it has room if 'keep_zeroed', every other
 * one to the zone. */
static void give_back(struct frame_list *list, uint64_t n, bool keep_zeroed)
{
    if (!n || !list->head)
        return;
    uint64_t flags = zone_lock();
    struct page *page;
    while (n-- && (page = list_pop(list))) {
        if (keep_zeroed && zeroed_pool.count < ZEROED_MAX)
            list_push(&zeroed_pool, page);
        else
            buddy_free(&zone, page, 0);
    }
    zone_unlock(flags);
}

/* One frame from this CPU's cache: a zeroed one if 'zeroed' (NULL if
 * neither the cache nor the zeroed pool has one), else a plain one,
 * refilled from the zone (NULL if the zone has no frame left). */
static struct page *cache_alloc(bool zeroed)
{
    uint64_t flags;
    struct frame_cache *c = cache_lock(&flags);
    struct frame_list *list = zeroed ? &c->zeroed : &c->plain;
    if (!list->head) {
        if (zeroed)
            refill_zeroed(c);
        else
            refill_plain(c);
    }
    struct page *page = list_pop(list);
    cache_unlock(c, flags);
    return page;
}

/* A free frame into this CPU's cache (its zeroed list if 'zeroed'),
 * trimmed by CACHE_BATCH frames once it holds more than CACHE_HIGH. */
static void cache_free(struct page *page, bool zeroed)
{
    uint64_t flags;
    struct frame_cache *c = cache_lock(&flags);
    struct frame_list *list = zeroed ? &c->zeroed : &c->plain;
    list_push(list, page);
    if (list->count > CACHE_HIGH)
        give_back(list, CACHE_BATCH, zeroed);
    cache_unlock(c, flags);
}

/* Gives every cached frame, plain or zeroed, back to the zone (F4); true if
 * there was any. */
static bool drain_caches(void)
{
    bool any = false;
    for (int i = 0; i < MAX_CPUS; i++) {
        struct frame_cache *c = &caches[i];
        if (!list_count(&c->plain) && !list_count(&c->zeroed))
            continue;
        uint64_t flags = spin_lock_irqsave(&c->lock);
        any |= c->plain.count || c->zeroed.count;
        give_back(&c->plain, c->plain.count, false);
        give_back(&c->zeroed, c->zeroed.count, false);
        spin_unlock_irqrestore(&c->lock, flags);
    }
    return any;
}

/* Gives the zeroed pool back to the zone. frame_lock held. */
static void zeroed_pool_drain(void)
{
    struct page *page;
    while ((page = list_pop(&zeroed_pool)))
        buddy_free(&zone, page, 0);
}

/* A block from the zone, or (order 0, zone empty) a frame of the zeroed
 * pool; NULL if neither has one. */
static struct page *zone_alloc(int order)
{
    uint64_t flags = zone_lock();
    struct page *page = buddy_alloc(&zone, order);
    if (!page && zeroed_pool.count) {
        if (order == 0) {
            page = list_pop(&zeroed_pool);
        } else {
            zeroed_pool_drain(); /* they may merge into a block this large */
            page = buddy_alloc(&zone, order);
        }
    }
    zone_unlock(flags);
    return page;
}

struct page *frame_alloc(int order)
{
    struct page *page = order == 0 ? cache_alloc(false) : NULL;
    if (!page)
        page = zone_alloc(order);
    if (!page && drain_caches()) /* F4: other CPUs' caches hold the rest */
        page = zone_alloc(order);
    if (page)
        page->refcount = 1;
    return page;
}

void *frame_alloc_mapped(int order)
{
    struct page *page = frame_alloc(order);
    return page ? page_to_virt(page) : NULL;
}

struct page *frame_alloc_zeroed(int order)
{
    struct page *page = order == 0 ? cache_alloc(true) : NULL;
    if (page) {
        page->refcount = 1;
        return page;
    }
    page = frame_alloc(order);
    if (page)
        memset(page_to_virt(page), 0, PAGE_SIZE << order);
    return page;
}

/* True if fewer than the reserve would stay free after one more frame. The
 * zone and the zeroed pool are read first (two loads); the caches are
 * counted only when those are short. */
static bool below_reserve(void)
{
    uint64_t shared = __atomic_load_n(&zone.free_frames, __ATOMIC_RELAXED) +
                      list_count(&zeroed_pool);
    return shared <= reserve_frames && frame_free_count() <= reserve_frames;
}

struct page *frame_alloc_user(bool zeroed)
{
    if (below_reserve())
        return NULL;
    return zeroed ? frame_alloc_zeroed(0) : frame_alloc(0);
}

uint64_t frame_reserve(void)
{
    return reserve_frames;
}

void frame_free(struct page *page, int order)
{
    ASSERT(page->refcount == 1);
    page->refcount = 0;
    if (order == 0) {
        cache_free(page, false);
        return;
    }
    uint64_t flags = zone_lock();
    buddy_free(&zone, page, order);
    zone_unlock(flags);
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
    cache_free(page, true);
}

uint64_t frame_free_count(void)
{
    uint64_t n = __atomic_load_n(&zone.free_frames, __ATOMIC_RELAXED) +
                 list_count(&zeroed_pool);
    for (int i = 0; i < MAX_CPUS; i++)
        n += list_count(&caches[i].plain) + list_count(&caches[i].zeroed);
    return n;
}

uint64_t frame_free_blocks(int order)
{
    drain_caches();
    uint64_t flags = zone_lock();
    zeroed_pool_drain();
    uint64_t blocks = zone.free_blocks[order];
    zone_unlock(flags);
    return blocks;
}

uint64_t frame_zeroed_count(void)
{
    uint64_t n = list_count(&zeroed_pool);
    for (int i = 0; i < MAX_CPUS; i++)
        n += list_count(&caches[i].zeroed);
    return n;
}

uint64_t frame_lock_taken_here(void)
{
    return zone_locked[this_cpu_id()];
}
