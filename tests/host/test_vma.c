/*
 * The region map (mm/vma.c) against a model: one entry per page of a small
 * window of addresses. Thousands of random inserts, removals, moves
 * (vma_remap) and protection or flag changes (some with an allocation made
 * to fail) must leave the map
 * sorted, fully merged and describing exactly the model's pages.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_test.h"

#include "mm/vma.c"

#include "tests/host/host_panic.h"

/* kmalloc for the host: malloc, with a count of live objects and an
 * optional failure of the fail_at-th call from now (0: never). */
static long live;
static int fail_at;

void *kmalloc(size_t size)
{
    if (fail_at && --fail_at == 0)
        return NULL;
    void *p = malloc(size);
    live += p != NULL;
    return p;
}

void kfree(void *ptr)
{
    live -= ptr != NULL;
    free(ptr);
}

#define PG PAGE_SIZE
#define BASE 0x40000000ul
#define NPAGES 1024 /* the model's window: [BASE, BASE + NPAGES pages) */

struct model_page {
    bool mapped;
    uint32_t prot, flags;
    void *object;
    uint64_t pgoff;
};

static struct model_page model[NPAGES];
static struct vma_map map;
static char objects[3];

static uint64_t page_addr(int p) { return BASE + (uint64_t)p * PG; }

/* True if model pages p and p+1 belong in one region. */
static bool model_joins(int p)
{
    const struct model_page *a = &model[p], *b = &model[p + 1];
    return a->mapped && b->mapped && a->prot == b->prot && a->flags == b->flags &&
           a->object == b->object && (!a->object || a->pgoff + 1 == b->pgoff);
}

/* Checks the map's invariants and that it describes the model exactly. */
static void check_map(void)
{
    uint32_t runs = 0;
    for (int p = 0; p < NPAGES; p++)
        runs += model[p].mapped && (p == 0 || !model_joins(p - 1));
    CHECK(map.count == runs);
    CHECK(map.count <= map.cap && map.count <= map.max_count);
    CHECK(live == (long)map.count + (map.v != NULL));
    for (uint32_t i = 0; i < map.count; i++) {
        const struct vma *v = map.v[i];
        CHECK(v->start < v->end && v->start % PG == 0 && v->end % PG == 0);
        CHECK(v->start >= BASE && v->end <= page_addr(NPAGES));
        if (i > 0) {
            CHECK(map.v[i - 1]->end <= v->start);
            CHECK(!vma_compatible(map.v[i - 1], v));
        }
    }
    for (int p = 0; p < NPAGES; p++) {
        struct vma *v = vma_find(&map, page_addr(p));
        CHECK(!v == !model[p].mapped);
        if (!v || !model[p].mapped)
            continue;
        CHECK(v->prot == model[p].prot && v->flags == model[p].flags);
        CHECK(v->object == model[p].object);
        if (v->object)
            CHECK(v->pgoff + (page_addr(p) - v->start) / PG == model[p].pgoff);
    }
}

static int rnd(int n) { return rand() % n; }

/* A random range of pages [*a, *b) inside the window. */
static void random_range(int *a, int *b)
{
    *a = rnd(NPAGES);
    *b = *a + 1 + rnd(rnd(4) ? 16 : 128);
    if (*b > NPAGES)
        *b = NPAGES;
}

/* One random change to both the map and (if it succeeded) the model. */
static void random_op(void)
{
    int a, b;
    random_range(&a, &b);
    uint32_t prot = rnd(8);
    fail_at = rnd(8) == 0 ? 1 + rnd(3) : 0;
    int err;
    switch (rnd(5)) {
    case 4: {
        /* mremap's move: unmap [a, b), map as many pages at c */
        int c = rnd(NPAGES - (b - a) + 1), d = c + (b - a);
        if (c < b && a < d) {
            err = 0;
            break;
        }
        struct vma v = {.start = page_addr(c), .end = page_addr(d), .prot = prot};
        if (rnd(3) == 0) {
            v.flags = VMA_SHARED;
            v.object = &objects[rnd(3)];
            v.pgoff = (uint64_t)rnd(8);
        }
        err = vma_remap(&map, page_addr(a), page_addr(b), &v);
        if (!err) {
            for (int p = a; p < b; p++)
                model[p] = (struct model_page){0};
            for (int p = c; p < d; p++)
                model[p] = (struct model_page){true, v.prot, v.flags, v.object,
                                               v.pgoff + (p - c)};
        }
        break;
    }
    case 0: {
        struct vma v = {.start = page_addr(a), .end = page_addr(b), .prot = prot};
        if (rnd(3) == 0) {
            v.flags = VMA_SHARED;
            v.object = &objects[rnd(3)];
            v.pgoff = rnd(2) ? (uint64_t)a : (uint64_t)rnd(4);
        } else if (rnd(4) == 0) {
            v.flags = VMA_GROWSDOWN;
        }
        err = vma_insert(&map, &v);
        if (!err)
            for (int p = a; p < b; p++)
                model[p] = (struct model_page){true, v.prot, v.flags, v.object,
                                               v.pgoff + (p - a)};
        break;
    }
    case 1:
        err = vma_remove(&map, page_addr(a), page_addr(b));
        if (!err)
            for (int p = a; p < b; p++)
                model[p] = (struct model_page){0};
        break;
    case 2:
        err = vma_protect(&map, page_addr(a), page_addr(b), prot);
        if (!err)
            for (int p = a; p < b; p++)
                model[p].prot = model[p].mapped ? prot : 0;
        break;
    default: {
        uint32_t clear = rnd(2) ? VMA_DONTFORK : 0, set = rnd(2) ? VMA_WIPEONFORK : 0;
        err = vma_set_flags(&map, page_addr(a), page_addr(b), clear, set);
        if (!err)
            for (int p = a; p < b; p++)
                if (model[p].mapped)
                    model[p].flags = (model[p].flags & ~clear) | set;
        break;
    }
    }
    CHECK(err == 0 || (err == -ENOMEM && fail_at == 0));
    fail_at = 0;
}

static void reset(uint32_t max_count)
{
    vma_map_destroy(&map);
    vma_map_init(&map, max_count);
    memset(model, 0, sizeof(model));
}

HOST_TEST(random_ops_match_page_model)
{
    srand(1);
    reset(VMA_MAX_COUNT_DEFAULT);
    for (int i = 0; i < 20000; i++) {
        random_op();
        check_map();
        if (host_test_failures) {
            printf("    # after operation %d\n", i);
            return;
        }
    }
    reset(VMA_MAX_COUNT_DEFAULT);
    CHECK(live == 0);
}

static struct vma anon(uint64_t start, uint64_t end, uint32_t prot)
{
    return (struct vma){.start = start, .end = end, .prot = prot};
}

HOST_TEST(split_and_merge_back)
{
    reset(VMA_MAX_COUNT_DEFAULT);
    struct vma v = anon(BASE, BASE + 10 * PG, PROT_READ | PROT_WRITE);
    CHECK(vma_insert(&map, &v) == 0 && map.count == 1);
    CHECK(vma_protect(&map, BASE + 3 * PG, BASE + 5 * PG, PROT_READ) == 0);
    CHECK(map.count == 3 && vma_find(&map, BASE + 4 * PG)->prot == PROT_READ);
    CHECK(vma_find(&map, BASE + 5 * PG)->start == BASE + 5 * PG);
    CHECK(vma_protect(&map, BASE, BASE + 10 * PG, PROT_READ | PROT_WRITE) == 0);
    CHECK(map.count == 1 && map.v[0]->start == BASE && map.v[0]->end == BASE + 10 * PG);
    CHECK(vma_remove(&map, BASE + 2 * PG, BASE + 3 * PG) == 0 && map.count == 2);
    struct vma fill = anon(BASE + 2 * PG, BASE + 3 * PG, PROT_READ | PROT_WRITE);
    CHECK(vma_insert(&map, &fill) == 0 && map.count == 1);
    reset(VMA_MAX_COUNT_DEFAULT);
}

HOST_TEST(lookups_and_iteration)
{
    reset(VMA_MAX_COUNT_DEFAULT);
    for (int i = 0; i < 4; i++) {
        struct vma v = anon(BASE + i * 4 * PG, BASE + (i * 4 + 2) * PG, PROT_READ);
        CHECK(vma_insert(&map, &v) == 0);
    }
    CHECK(!vma_find(&map, BASE + 2 * PG) && vma_find(&map, BASE + PG) == map.v[0]);
    CHECK(vma_first_above(&map, BASE + 2 * PG) == map.v[1]);
    CHECK(vma_next(&map, map.v[1]) == map.v[2] && vma_prev(&map, map.v[1]) == map.v[0]);
    CHECK(!vma_next(&map, map.v[3]) && !vma_prev(&map, map.v[0]));
    int seen = 0;
    vma_for_each_in(&map, v, BASE + PG, BASE + 9 * PG) {
        CHECK(v == map.v[seen]);
        seen++;
    }
    CHECK(seen == 3);
    CHECK(vma_mapped_end(&map, BASE, BASE + 16 * PG) == BASE + 2 * PG);
    CHECK(vma_mapped_end(&map, BASE + 2 * PG, BASE + 16 * PG) == BASE + 2 * PG);
    CHECK(vma_mapped_end(&map, BASE + PG, BASE + 2 * PG) == BASE + 2 * PG);
    reset(VMA_MAX_COUNT_DEFAULT);
}

HOST_TEST(max_count_refuses_and_changes_nothing)
{
    reset(2);
    struct vma a = anon(BASE, BASE + 8 * PG, PROT_READ);
    struct vma b = anon(BASE + 16 * PG, BASE + 17 * PG, PROT_READ);
    CHECK(vma_insert(&map, &a) == 0 && vma_insert(&map, &b) == 0);
    CHECK(vma_remove(&map, BASE + 2 * PG, BASE + 3 * PG) == -ENOMEM);
    CHECK(vma_protect(&map, BASE + 2 * PG, BASE + 3 * PG, PROT_NONE) == -ENOMEM);
    CHECK(vma_protect(&map, BASE + 2 * PG, BASE + 3 * PG, PROT_READ) == 0); /* no change */
    CHECK(vma_remove(&map, BASE, BASE + 3 * PG) == 0); /* a cut at one end only */
    CHECK(map.count == 2 && map.v[0]->start == BASE + 3 * PG);
    reset(VMA_MAX_COUNT_DEFAULT);
}

/* The expected gap by brute force over the model: the highest (topdown)
 * or lowest a in [low, high - len] with the pages of [a, a + len) free and,
 * if the next mapped page above starts a stack, STACK_GUARD_GAP below it
 * free too (as Linux, only the next region's guard counts). -1 if none. */
static long brute_gap(int len, int low, int high, bool topdown)
{
    int guard = STACK_GUARD_GAP / PG;
    for (int k = 0; k <= high - low - len; k++) {
        int a = topdown ? high - len - k : low + k, p = a;
        while (p < NPAGES && !model[p].mapped)
            p++;
        if (p < a + len)
            continue;
        if (p < NPAGES && (model[p].flags & VMA_GROWSDOWN) && p - (a + len) < guard)
            continue;
        return a;
    }
    return -1;
}

HOST_TEST(gap_search_matches_brute_force)
{
    srand(2);
    for (int round = 0; round < 200; round++) {
        reset(VMA_MAX_COUNT_DEFAULT);
        for (int i = 0; i < 40; i++)
            random_op();
        for (int q = 0; q < 20; q++) {
            int low = rnd(NPAGES), high = rnd(NPAGES + 1), len = 1 + rnd(rnd(2) ? 8 : 300);
            bool topdown = rnd(2);
            long want = low < high ? brute_gap(len, low, high, topdown) : -1;
            uint64_t got = 0;
            int err = (topdown ? vma_gap_topdown : vma_gap_bottomup)(
                &map, len * PG, page_addr(low), page_addr(high), &got);
            CHECK(want < 0 ? err == -ENOMEM : err == 0 && got == page_addr(want));
        }
        if (host_test_failures)
            return;
    }
    reset(VMA_MAX_COUNT_DEFAULT);
}

HOST_TEST(gap_search_keeps_stack_guard)
{
    reset(VMA_MAX_COUNT_DEFAULT);
    uint64_t top = BASE + 2048 * PG;
    struct vma stack = {.start = top - 16 * PG, .end = top, .prot = PROT_READ | PROT_WRITE,
                        .flags = VMA_GROWSDOWN};
    CHECK(vma_insert(&map, &stack) == 0);
    uint64_t a = 0;
    CHECK(vma_gap_topdown(&map, PG, BASE, top, &a) == 0);
    CHECK(a == stack.start - STACK_GUARD_GAP - PG);
    reset(VMA_MAX_COUNT_DEFAULT);
    CHECK(live == 0);
}

HOST_TEST_MAIN()
