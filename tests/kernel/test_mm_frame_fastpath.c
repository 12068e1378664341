/* The frame allocator's fast paths (mm/frame.c, rules F1..F4): single
 * frames come from this CPU's cache without the global lock, which a refill
 * or a trim takes once per batch; an empty zeroed pool is seen without it;
 * zeroed frames move between the caches and the pool in batches; and zeroed
 * frames cached on another CPU count as free and come back when memory runs
 * out. The counting parts run with interrupts off, so that nothing else
 * allocates on this CPU meanwhile. */
#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "tests/kernel/ktest.h"

#define BATCHES 4
#define FRAMES (BATCHES * FRAME_CACHE_BATCH)

/* True if every byte of the frame is 0. */
static bool frame_is_zero(struct page *page)
{
    const uint64_t *words = page_to_virt(page);
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        if (words[i])
            return false;
    return true;
}

KTEST(mm_frame_zeroed_alloc_from_an_empty_pool_takes_no_lock)
{
    frame_free_blocks(0); /* no zeroed frame anywhere, every cache empty */
    struct page *pages[FRAME_CACHE_BATCH / 2];
    uint64_t flags = irq_save();
    struct page *prime = frame_alloc(0); /* fills this CPU's cache */
    if (prime)
        frame_free(prime, 0);
    uint64_t before = frame_lock_taken_here();
    for (int i = 0; i < FRAME_CACHE_BATCH / 2; i++)
        pages[i] = frame_alloc_zeroed(0);
    uint64_t after_alloc = frame_lock_taken_here();
    for (int i = 0; i < FRAME_CACHE_BATCH / 2; i++)
        if (pages[i])
            frame_free(pages[i], 0);
    uint64_t after_free = frame_lock_taken_here();
    irq_restore(flags);
    KASSERT(prime);
    for (int i = 0; i < FRAME_CACHE_BATCH / 2; i++)
        KEXPECT(pages[i] && frame_is_zero(pages[i]));
    KEXPECT(after_alloc == before);
    KEXPECT(after_free == before);
}

KTEST(mm_frame_cache_takes_the_lock_once_per_batch)
{
    frame_free_blocks(0);
    struct page *pages[FRAMES];
    uint64_t flags = irq_save();
    uint64_t before = frame_lock_taken_here();
    for (int i = 0; i < FRAMES; i++)
        pages[i] = frame_alloc(0);
    uint64_t after_alloc = frame_lock_taken_here();
    for (int i = 0; i < FRAMES; i++)
        if (pages[i])
            frame_free(pages[i], 0);
    uint64_t after_free = frame_lock_taken_here();
    irq_restore(flags);
    for (int i = 0; i < FRAMES; i++)
        KEXPECT(pages[i] != NULL);
    KEXPECT(after_alloc - before == BATCHES);
    KEXPECT(after_free - after_alloc <= BATCHES);
}

/* True if 'page' is one of pages[0..n). */
static bool one_of(struct page *page, struct page **pages, int n)
{
    for (int i = 0; i < n; i++)
        if (pages[i] == page)
            return true;
    return false;
}

KTEST(mm_frame_zeroed_frames_go_through_the_pool_in_batches)
{
    frame_free_blocks(0);
    struct page *freed[FRAMES], *again[FRAMES];
    for (int i = 0; i < FRAMES; i++) {
        freed[i] = frame_alloc_zeroed(0);
        KASSERT(freed[i]);
    }
    uint64_t flags = irq_save();
    uint64_t before = frame_lock_taken_here();
    for (int i = 0; i < FRAMES; i++)
        frame_free_zeroed(freed[i]);
    uint64_t after_free = frame_lock_taken_here();
    uint64_t zeroed = frame_zeroed_count();
    for (int i = 0; i < FRAMES; i++)
        again[i] = frame_alloc_zeroed(0);
    uint64_t after_alloc = frame_lock_taken_here();
    irq_restore(flags);
    KEXPECT(zeroed == FRAMES);
    KEXPECT(after_free - before <= BATCHES);
    KEXPECT(after_alloc - after_free <= BATCHES);
    for (int i = 0; i < FRAMES; i++) {
        KEXPECT(again[i] && one_of(again[i], freed, FRAMES) && frame_is_zero(again[i]));
        if (again[i])
            frame_free(again[i], 0);
    }
    KEXPECT(frame_zeroed_count() == 0);
}

/* Runs pinned to CPU 1: the frame goes to CPU 1's zeroed frames. */
static void free_zeroed_here(void *arg)
{
    frame_free_zeroed(arg);
}

KTEST(mm_frame_zeroed_frames_of_another_cpu_count_free_and_come_back)
{
    if (cpu_count < 2)
        return;
    frame_free_blocks(0);
    uint64_t free_before = frame_free_count();
    struct page *remote = frame_alloc_zeroed(0);
    KASSERT(remote);
    struct thread *t = thread_create_on(1, "free_zeroed_on_cpu1", free_zeroed_here, remote);
    KASSERT(t);
    thread_join(t);
    KEXPECT(frame_zeroed_count() == 1);
    KEXPECT(frame_free_count() == free_before);

    /* Take every frame: the one on CPU 1 must come back too (F4). */
    struct page *held = NULL, *page;
    uint64_t taken = 0;
    while ((page = frame_alloc(0))) {
        page->next = held;
        held = page;
        taken++;
    }
    bool got_remote = remote->refcount == 1;
    while (held) {
        page = held;
        held = page->next;
        page->next = NULL;
        frame_free(page, 0);
    }
    KEXPECT(taken == free_before);
    KEXPECT(got_remote);
    KEXPECT(frame_free_count() == free_before);
}
