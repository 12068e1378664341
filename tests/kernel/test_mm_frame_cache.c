/* The frame allocator's per-CPU caches (mm/frame.c): a CPU gets back the
 * frame it just freed; frames cached on another CPU count as free and come
 * back to anyone who needs them once the zone runs out. */
#include "kernel/percpu.h"
#include "kernel/preempt.h"
#include "kernel/thread.h"
#include "mm/frame.h"
#include "mm/page.h"
#include "tests/kernel/ktest.h"

#define REMOTE_FRAMES 8

struct remote_free {
    struct page *pages[REMOTE_FRAMES];
};

/* Runs pinned to CPU 1: its frees land in CPU 1's cache. */
static void free_on_this_cpu(void *arg)
{
    struct remote_free *r = arg;
    for (int i = 0; i < REMOTE_FRAMES; i++)
        frame_free(r->pages[i], 0);
}

KTEST(mm_frame_cache_reuses_locally_and_drains_remote_caches)
{
    preempt_disable(); /* stay on one CPU, so on one cache */
    struct page *first = frame_alloc(0);
    if (first)
        frame_free(first, 0);
    struct page *again = frame_alloc(0);
    preempt_enable();
    KASSERT(first && again);
    KEXPECT(again == first);
    frame_free(again, 0);
    if (cpu_count < 2)
        return;

    uint64_t free_before = frame_free_count();
    struct remote_free r;
    for (int i = 0; i < REMOTE_FRAMES; i++) {
        r.pages[i] = frame_alloc(0);
        KASSERT(r.pages[i]);
    }
    struct thread *t = thread_create_on(1, "free_on_cpu1", free_on_this_cpu, &r);
    KASSERT(t);
    thread_join(t);
    KEXPECT(frame_free_count() == free_before);

    /* Take every frame: CPU 1's cached ones must come back too. */
    struct page *held = NULL, *page;
    uint64_t taken = 0;
    while ((page = frame_alloc(0))) {
        page->next = held;
        held = page;
        taken++;
    }
    int remote_taken = 0;
    for (int i = 0; i < REMOTE_FRAMES; i++)
        remote_taken += r.pages[i]->refcount == 1;
    while (held) {
        page = held;
        held = page->next;
        page->next = NULL;
        frame_free(page, 0);
    }
    KEXPECT(taken == free_before);
    KEXPECT(remote_taken == REMOTE_FRAMES);
    KEXPECT(frame_free_count() == free_before);
}
