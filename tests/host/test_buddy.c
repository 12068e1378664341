/*
 * The buddy allocator (mm/buddy.c) over fake memory: descriptors only, as
 * the allocator never touches the frames themselves.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_test.h"

#include "mm/buddy.c"

#include "tests/host/host_panic.h"

#define NPAGES 5000 /* not a power of two: the top blocks are small */

static struct page pages[NPAGES];
static struct buddy_zone zone;
static unsigned char taken[NPAGES];

/* Usable frames: [3, 1500) and [1700, 4990) with a hole, like real RAM. */
static void setup(void)
{
    for (int i = 0; i < NPAGES; i++)
        pages[i] = (struct page){.flags = PG_RESERVED};
    memset(taken, 0, sizeof(taken));
    buddy_init(&zone, pages, NPAGES);
    buddy_add_range(&zone, 3, 1500);
    buddy_add_range(&zone, 1700, 4990);
}

static bool usable(uint64_t pfn)
{
    return (pfn >= 3 && pfn < 1500) || (pfn >= 1700 && pfn < 4990);
}

/* Checks that the free lists hold exactly the maximal blocks of the free
 * frames: no two buddies both free, every block aligned and usable. */
static void check_fully_merged(void)
{
    uint64_t frames = 0;
    for (int order = 0; order <= BUDDY_MAX_ORDER; order++) {
        uint64_t blocks = 0;
        for (struct page *p = zone.free_list[order]; p; p = p->next) {
            uint64_t pfn = p - pages;
            blocks++;
            CHECK(p->flags == PG_BUDDY && p->order == order);
            CHECK(pfn % (1ul << order) == 0);
            CHECK(usable(pfn) && usable(pfn + (1ul << order) - 1));
            if (order < BUDDY_MAX_ORDER) {
                struct page *b = &pages[pfn ^ (1ul << order)];
                CHECK(!((b->flags & PG_BUDDY) && b->order == order));
            }
        }
        CHECK(blocks == zone.free_blocks[order]);
        frames += blocks << order;
    }
    CHECK(frames == zone.free_frames);
}

/* Allocates blocks of 'order' until none is left; marks every frame. */
static int alloc_all(int order, struct page **out)
{
    int n = 0;
    struct page *p;
    while ((p = buddy_alloc(&zone, order))) {
        uint64_t pfn = p - pages;
        CHECK(pfn % (1ul << order) == 0);
        for (uint64_t f = pfn; f < pfn + (1ul << order); f++) {
            CHECK(usable(f));
            CHECK(!taken[f]);
            taken[f] = 1;
        }
        out[n++] = p;
    }
    return n;
}

HOST_TEST(buddy_add_range_builds_maximal_blocks)
{
    setup();
    CHECK(zone.free_frames == (1500 - 3) + (4990 - 1700));
    check_fully_merged();
    CHECK(zone.free_blocks[BUDDY_MAX_ORDER] == 2); /* [2048, 4096) */
}

HOST_TEST(buddy_alloc_all_order0_no_frame_twice_and_all_return)
{
    static struct page *got[NPAGES];
    setup();
    uint64_t free_before = zone.free_frames;
    int n = alloc_all(0, got);
    CHECK((uint64_t)n == free_before);
    CHECK(zone.free_frames == 0);
    CHECK(buddy_alloc(&zone, 0) == NULL);
    /* Free in a scrambled order: merging must not depend on it. */
    for (int i = 0; i < n; i++) {
        int j = (int)(((uint64_t)i * 7919) % (uint64_t)n);
        struct page *tmp = got[i];
        got[i] = got[j];
        got[j] = tmp;
    }
    for (int i = 0; i < n; i++)
        buddy_free(&zone, got[i], 0);
    CHECK(zone.free_frames == free_before);
    CHECK(zone.free_blocks[BUDDY_MAX_ORDER] == 2);
    check_fully_merged();
}

HOST_TEST(buddy_alloc_all_every_order)
{
    static struct page *got[NPAGES];
    static int order_of[NPAGES];
    setup();
    uint64_t free_before = zone.free_frames;
    int n = 0;
    for (int order = BUDDY_MAX_ORDER; order >= 0; order--) {
        int k = alloc_all(order, got + n);
        for (int i = 0; i < k; i++)
            order_of[n + i] = order;
        n += k;
    }
    CHECK(zone.free_frames == 0);
    for (int i = n - 1; i >= 0; i--)
        buddy_free(&zone, got[i], order_of[i]);
    CHECK(zone.free_frames == free_before);
    check_fully_merged();
}

HOST_TEST(buddy_split_and_merge_one_block)
{
    setup();
    uint64_t top_before = zone.free_blocks[BUDDY_MAX_ORDER];
    /* Empty the small orders so the next order-0 block splits a big one. */
    static struct page *small[NPAGES];
    static int small_order[NPAGES];
    int n = 0;
    for (int order = 0; order < BUDDY_MAX_ORDER; order++)
        while (zone.free_blocks[order]) {
            small_order[n] = order;
            small[n++] = buddy_alloc(&zone, order);
        }
    struct page *one = buddy_alloc(&zone, 0);
    CHECK(one != NULL);
    CHECK(zone.free_blocks[BUDDY_MAX_ORDER] == top_before - 1);
    for (int order = 0; order < BUDDY_MAX_ORDER; order++)
        CHECK(zone.free_blocks[order] == 1); /* one buddy left per level */
    buddy_free(&zone, one, 0);
    CHECK(zone.free_blocks[BUDDY_MAX_ORDER] == top_before);
    for (int order = 0; order < BUDDY_MAX_ORDER; order++)
        CHECK(zone.free_blocks[order] == 0);
    for (int i = 0; i < n; i++)
        buddy_free(&zone, small[i], small_order[i]);
    check_fully_merged();
}

HOST_TEST(buddy_alloc_too_large_fails_cleanly)
{
    setup();
    static struct page *got[NPAGES];
    int n = alloc_all(BUDDY_MAX_ORDER, got);
    CHECK(n == 2);
    CHECK(buddy_alloc(&zone, BUDDY_MAX_ORDER) == NULL);
    CHECK(zone.free_frames == (1500 - 3) + (4990 - 1700) - 2 * 1024);
    for (int i = 0; i < n; i++)
        buddy_free(&zone, got[i], BUDDY_MAX_ORDER);
    check_fully_merged();
}

HOST_TEST_MAIN()
