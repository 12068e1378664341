/*
 * Linux's argument rules (mm/mmap_rules.c), case by case. Every expected
 * result below is what Linux 6.18.44 (x86_64, this host) returned to
 * tests/user_oracle/mm_oracle.c run unprivileged, over the same layout:
 * 16 private read/write pages at B with holes at pages 4 and 6 and free
 * pages above. Cases marked "prune" are prune's own choice, not Linux's.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_test.h"

#include "mm/mmap_rules.c"
#include "mm/vma.c"

#include "tests/host/host_panic.h"

void *kmalloc(size_t size) { return malloc(size); }
void kfree(void *ptr) { free(ptr); }

#define PG PAGE_SIZE
#define TOP USER_TOP
#define B 0x7f0000000000ul
#define MMAP_BASE (B + 64 * PG)
#define RW (PROT_READ | PROT_WRITE)
#define PA (MAP_PRIVATE | MAP_ANONYMOUS)
#define OK 0
#define OK_ADDR 1 /* success; then 'want_addr' is the address (0: any) */

static struct vma_map map;

/* The oracle's layout: B..B+16 pages read/write, holes at pages 4 and 6. */
static void setup(void)
{
    vma_map_destroy(&map);
    vma_map_init(&map, VMA_MAX_COUNT_DEFAULT);
    struct vma v = {.start = B, .end = B + 16 * PG, .prot = RW};
    vma_insert(&map, &v);
    vma_remove(&map, B + 4 * PG, B + 5 * PG);
    vma_remove(&map, B + 6 * PG, B + 7 * PG);
}

struct mmap_case {
    const char *name;
    uint64_t addr, len, prot, flags;
    bool fd_open;
    uint64_t off;
    int want;           /* -errno, or OK_ADDR */
    uint64_t want_addr; /* with OK_ADDR: the address, 0 if any will do */
};

static const struct mmap_case mmap_cases[] = {
    {"len0", 0, 0, PROT_READ, PA, false, 0, -EINVAL, 0},
    {"fixed unaligned", B + 1, PG, PROT_READ, PA | MAP_FIXED, false, 0, -EINVAL, 0},
    {"no type", 0, PG, PROT_READ, MAP_ANONYMOUS, false, 0, -EINVAL, 0},
    {"anon shared_validate", 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, false, 0,
     -EINVAL, 0},
    {"len -1", 0, -1ul, PROT_READ, PA, false, 0, -ENOMEM, 0},
    {"len -1 no type", 0, -1ul, PROT_READ, MAP_ANONYMOUS, false, 0, -ENOMEM, 0},
    {"len -4096", 0, -PG, PROT_READ, PA, false, 0, -ENOMEM, 0},
    {"len TOP", 0, TOP, PROT_READ, PA, false, 0, -ENOMEM, 0},
    {"len TOP+1", 0, TOP + 1, PROT_READ, PA, false, 0, -ENOMEM, 0},
    {"fixed at TOP", TOP, PG, PROT_READ, PA | MAP_FIXED, false, 0, -ENOMEM, 0},
    {"fixed TOP-PG len 2PG", TOP - PG, 2 * PG, PROT_READ, PA | MAP_FIXED, false, 0, -ENOMEM, 0},
    {"fixed unaligned beyond TOP", TOP + 1, PG, PROT_READ, PA | MAP_FIXED, false, 0, -ENOMEM, 0},
    {"fixed wrap", -PG, 2 * PG, PROT_READ, PA | MAP_FIXED, false, 0, -ENOMEM, 0},
    {"noreplace TOP-PG", TOP - PG, PG, PROT_READ, PA | MAP_FIXED_NOREPLACE, false, 0, OK_ADDR,
     TOP - PG},
    {"noreplace existing", B, PG, PROT_READ, PA | MAP_FIXED_NOREPLACE, false, 0, -EEXIST, 0},
    {"noreplace partial", B + 3 * PG, 2 * PG, PROT_READ, PA | MAP_FIXED_NOREPLACE, false, 0,
     -EEXIST, 0},
    {"noreplace hole", B + 4 * PG, PG, PROT_READ, PA | MAP_FIXED_NOREPLACE, false, 0, OK_ADDR,
     B + 4 * PG},
    {"noreplace existing no type", B, PG, PROT_READ, MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, false,
     0, -EEXIST, 0},
    {"noreplace unaligned", B + 1, PG, PROT_READ, PA | MAP_FIXED_NOREPLACE, false, 0, -EINVAL, 0},
    {"file fd -1", 0, PG, PROT_READ, MAP_PRIVATE, false, 0, -EBADF, 0},
    {"file fd -1 len0", 0, 0, PROT_READ, MAP_PRIVATE, false, 0, -EBADF, 0},
    {"off unaligned anon", 0, PG, PROT_READ, PA, false, 1, -EINVAL, 0},
    {"off unaligned fd -1", 0, PG, PROT_READ, MAP_PRIVATE, false, 1, -EINVAL, 0},
    {"off huge anon", 0, PG, PROT_READ, PA, false, -PG, OK_ADDR, 0},
    {"shared growsdown", 0, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, false, 0,
     -EINVAL, 0},
    {"private growsdown", 0, PG, PROT_READ, PA | MAP_GROWSDOWN, false, 0, OK_ADDR, 0},
    {"prot 0x8", 0, PG, 0x8, PA, false, 0, OK_ADDR, 0},
    {"prot 0xff", 0, PG, 0xff, PA, false, 0, OK_ADDR, 0},
    {"prot growsdown", 0, PG, PROT_READ | PROT_GROWSDOWN, PA, false, 0, OK_ADDR, 0},
    {"unknown flag", 0, PG, PROT_READ, PA | 0x40000000, false, 0, OK_ADDR, 0},
    {"shared_validate unknown", 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x40000000,
     false, 0, -EINVAL, 0},
    {"fixed 0", 0, PG, PROT_READ, PA | MAP_FIXED, false, 0, -EPERM, 0},
    {"fixed 0x1000", 0x1000, PG, PROT_READ, PA | MAP_FIXED, false, 0, OK_ADDR, 0x1000},
    {"hint 0x2000", 0x2000, PG, PROT_READ, PA, false, 0, OK_ADDR, 0x10000},
    {"hint 0x10000", 0x10000, PG, PROT_READ, PA, false, 0, OK_ADDR, 0x10000},
    {"hint hole", B + 4 * PG, PG, PROT_READ, PA, false, 0, OK_ADDR, B + 4 * PG},
    {"hugetlb", 0, 2 << 20, PROT_READ, PA | MAP_HUGETLB, false, 0, -ENOMEM, 0},
    {"droppable", 0, PG, PROT_READ, MAP_DROPPABLE | MAP_ANONYMOUS, false, 0, OK_ADDR, 0},
    {"droppable growsdown", 0, PG, PROT_READ, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_GROWSDOWN,
     false, 0, -EINVAL, 0},
    {"shared len TOP+1", 0, TOP + 1, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, false, 0, -ENOMEM, 0},
    /* prune: an open file cannot be mapped yet (Linux: ENODEV for a file
     * without mmap, after the same generic checks) */
    {"file open", 0, PG, PROT_READ, MAP_PRIVATE, true, 0, -ENODEV, 0},
    {"file open len0", 0, 0, PROT_READ, MAP_PRIVATE, true, 0, -EINVAL, 0},
};

HOST_TEST(mmap_cases_match_linux)
{
    for (size_t i = 0; i < sizeof(mmap_cases) / sizeof(mmap_cases[0]); i++) {
        const struct mmap_case *c = &mmap_cases[i];
        setup();
        struct vma out = {0};
        int err = mmap_prepare(&map, MMAP_BASE, c->addr, c->len, c->prot, c->flags, c->fd_open,
                               c->off, &out);
        bool ok = c->want == OK_ADDR ? err == 0 && (!c->want_addr || out.start == c->want_addr)
                                     : err == c->want;
        if (ok && !err)
            ok = out.start % PG == 0 && out.end == out.start + ALIGN_UP(c->len, PG) &&
                 ((c->flags & MAP_FIXED) || !vma_first_in(&map, out.start, out.end));
        if (!ok)
            printf("    # mmap %s: got %d (addr 0x%lx)\n", c->name, err, out.start);
        CHECK(ok);
    }
}

HOST_TEST(mmap_chooses_top_down_and_honours_free_hints)
{
    setup();
    struct vma out;
    /* top-down: the highest free pages below mmap_base */
    CHECK(mmap_prepare(&map, MMAP_BASE, 0, 2 * PG, RW, PA, false, 0, &out) == 0);
    CHECK(out.start == MMAP_BASE - 2 * PG && out.prot == RW && out.flags == 0);
    /* a taken hint is ignored; one crossing the top is too */
    CHECK(mmap_prepare(&map, MMAP_BASE, B, PG, RW, PA, false, 0, &out) == 0);
    CHECK(out.start == MMAP_BASE - PG);
    CHECK(mmap_prepare(&map, MMAP_BASE, TOP - PG, 2 * PG, RW, PA, false, 0, &out) == 0);
    CHECK(out.start == MMAP_BASE - 2 * PG);
    /* a hint below MMAP_MIN_ADDR rounds to zero, then top-down */
    CHECK(mmap_prepare(&map, MMAP_BASE, 0x800, PG, RW, PA, false, 0, &out) == 0);
    CHECK(out.start == MMAP_BASE - PG);
    /* shared anonymous memory */
    CHECK(mmap_prepare(&map, MMAP_BASE, 0, PG, RW, MAP_SHARED | MAP_ANONYMOUS, false, 0, &out) ==
          0);
    CHECK(out.flags == VMA_SHARED);
    /* nothing free below mmap_base: the bottom-up fallback */
    CHECK(mmap_prepare(&map, PG, 0, PG, RW, PA, false, 0, &out) == 0);
    CHECK(out.start == MMAP_LEGACY_BASE);
}

struct munmap_case {
    const char *name;
    uint64_t addr, len;
    int want;
};

static const struct munmap_case munmap_cases[] = {
    {"unaligned", B + 1, PG, -EINVAL},
    {"len0", B, 0, -EINVAL},
    {"at TOP", TOP, PG, -EINVAL},
    {"TOP-PG len 2PG", TOP - PG, 2 * PG, -EINVAL},
    {"TOP-PG len PG", TOP - PG, PG, OK},
    {"0", 0, PG, OK},
    {"len -1", 0, -1ul, -EINVAL},
    {"kernel addr", 0xffff800000000000ul, PG, -EINVAL},
    {"hole", B + 4 * PG, PG, OK},
    {"len 1", B + 15 * PG, 1, OK},
};

HOST_TEST(munmap_cases_match_linux)
{
    for (size_t i = 0; i < sizeof(munmap_cases) / sizeof(munmap_cases[0]); i++) {
        const struct munmap_case *c = &munmap_cases[i];
        setup();
        uint64_t end = 0;
        int err = munmap_check(c->addr, c->len, &end);
        if (!err)
            err = vma_remove(&map, c->addr, end);
        if (err != c->want)
            printf("    # munmap %s: got %d\n", c->name, err);
        CHECK(err == c->want);
    }
    /* "len 1" unmapped the whole page (Linux: mincore then said ENOMEM) */
    CHECK(!vma_find(&map, B + 15 * PG) && vma_find(&map, B + 14 * PG));
}

struct mprotect_case {
    const char *name;
    uint64_t addr, len, prot;
    int want;
};

static const struct mprotect_case mprotect_cases[] = {
    {"unaligned", B + 1, PG, PROT_READ, -EINVAL},
    {"unaligned len0", B + 1, 0, PROT_READ, -EINVAL},
    {"len0 unmapped", B + 4 * PG, 0, PROT_READ, OK},
    {"len0 bad prot", B, 0, 0x10, OK},
    {"prot 0x8 (PROT_SEM)", B, PG, PROT_READ | PROT_SEM, OK},
    {"prot 0x10", B, PG, 0x10, -EINVAL},
    {"growsdown|growsup", B, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP, -EINVAL},
    {"growsdown not stack", B, PG, PROT_READ | PROT_GROWSDOWN, -EINVAL},
    {"len -1", B, -1ul, PROT_READ, -ENOMEM},
    {"len -4096", B, -PG, PROT_READ, -ENOMEM},
    {"at TOP", TOP, PG, PROT_READ, -ENOMEM},
    {"over hole", B + 2 * PG, 4 * PG, PROT_READ, -ENOMEM},
    {"starting in hole", B + 4 * PG, 2 * PG, PROT_READ, -ENOMEM},
    {"len unaligned", B, 1, PROT_READ | PROT_WRITE | PROT_EXEC, OK},
};

static uint32_t prot_at(uint64_t addr)
{
    struct vma *v = vma_find(&map, addr);
    return v ? v->prot : 0xff;
}

HOST_TEST(mprotect_cases_match_linux)
{
    uint64_t lo, hi;
    for (size_t i = 0; i < sizeof(mprotect_cases) / sizeof(mprotect_cases[0]); i++) {
        const struct mprotect_case *c = &mprotect_cases[i];
        setup();
        int err = mprotect_apply(&map, c->addr, c->len, c->prot, &lo, &hi);
        if (err != c->want)
            printf("    # mprotect %s: got %d\n", c->name, err);
        CHECK(err == c->want);
    }
    /* Linux changed pages 2 and 3 before the hole at 4, not page 5 */
    setup();
    CHECK(mprotect_apply(&map, B + 2 * PG, 4 * PG, PROT_READ, &lo, &hi) == -ENOMEM);
    CHECK(prot_at(B + 2 * PG) == PROT_READ && prot_at(B + 3 * PG) == PROT_READ);
    CHECK(prot_at(B + 5 * PG) == RW && prot_at(B + PG) == RW);
    CHECK(lo == B + 2 * PG && hi == B + 4 * PG);
    CHECK(mprotect_apply(&map, B + 4 * PG, 2 * PG, PROT_READ, &lo, &hi) == -ENOMEM);
    CHECK(prot_at(B + 5 * PG) == RW && lo == hi);
    /* a length of 1 changes the one page */
    CHECK(mprotect_apply(&map, B, 1, PROT_READ | PROT_WRITE | PROT_EXEC, &lo, &hi) == 0);
    CHECK(prot_at(B) == (PROT_READ | PROT_WRITE | PROT_EXEC) && prot_at(B + PG) == RW);
    /* PROT_GROWSDOWN on a stack: from the stack's start (Linux: pages 0..2
     * read-only, page 3 unchanged) */
    uint64_t s = B + 100 * PG;
    struct vma stack = {.start = s, .end = s + 4 * PG, .prot = RW, .flags = VMA_GROWSDOWN};
    CHECK(vma_insert(&map, &stack) == 0);
    CHECK(mprotect_apply(&map, s + 2 * PG, PG, PROT_READ | PROT_GROWSDOWN, &lo, &hi) == 0);
    CHECK(prot_at(s) == PROT_READ && prot_at(s + 2 * PG) == PROT_READ);
    CHECK(prot_at(s + 3 * PG) == RW && lo == s && hi == s + 3 * PG);
}

struct madvise_case {
    const char *name;
    uint64_t addr, len;
    int advice, want;
};

static const struct madvise_case madvise_cases[] = {
    {"unaligned", B + 1, PG, MADV_DONTNEED, -EINVAL},
    {"unknown 5", B, PG, 5, -EINVAL},
    {"unknown 7", B, PG, 7, -EINVAL},
    {"unknown 26", B, PG, 26, -EINVAL},
    {"unknown 99", B, PG, 99, -EINVAL},
    {"hwpoison", B, PG, MADV_HWPOISON, -EINVAL},
    {"guard_install", B + 8 * PG, PG, MADV_GUARD_INSTALL, OK},
    {"unknown len0", B, 0, 5, -EINVAL},
    {"unaligned len0", B + 1, 0, MADV_DONTNEED, -EINVAL},
    {"len0 unmapped", B + 4 * PG, 0, MADV_DONTNEED, OK},
    {"len -1", B, -1ul, MADV_DONTNEED, -EINVAL},
    {"len -4096", B, -PG, MADV_DONTNEED, -EINVAL},
    {"dontneed unmapped", B + 4 * PG, PG, MADV_DONTNEED, -ENOMEM},
    {"normal over hole", B + 3 * PG, 2 * PG, MADV_NORMAL, -ENOMEM},
    {"dontneed over hole", B + 3 * PG, 3 * PG, MADV_DONTNEED, -ENOMEM},
    {"dontneed at TOP-PG", TOP - PG, PG, MADV_DONTNEED, -ENOMEM},
    {"dontneed trailing hole", B + 14 * PG, 4 * PG, MADV_DONTNEED, -ENOMEM},
    {"dontneed all of it", B, 16 * PG, MADV_DONTNEED, -ENOMEM},
};

/* Records the pieces madvise_walk() hands out. */
static uint64_t pieces[8][2];
static int npieces;

static int record(struct vma_map *m, struct vma *vma, uint64_t s, uint64_t e, void *arg)
{
    (void)m;
    (void)arg;
    CHECK(vma->start <= s && e <= vma->end && s < e);
    if (npieces < 8) {
        pieces[npieces][0] = s;
        pieces[npieces][1] = e;
    }
    npieces++;
    return 0;
}

HOST_TEST(madvise_cases_match_linux)
{
    for (size_t i = 0; i < sizeof(madvise_cases) / sizeof(madvise_cases[0]); i++) {
        const struct madvise_case *c = &madvise_cases[i];
        setup();
        uint64_t end = 0;
        int err = madvise_check(c->addr, c->len, c->advice, &end);
        if (!err && end != c->addr)
            err = madvise_walk(&map, c->addr, end, record, NULL);
        if (err != c->want)
            printf("    # madvise %s: got %d\n", c->name, err);
        CHECK(err == c->want);
    }
    /* the mapped parts are handled despite the hole (Linux zeroed pages 3 and 5) */
    setup();
    npieces = 0;
    CHECK(madvise_walk(&map, B + 3 * PG, B + 6 * PG, record, NULL) == -ENOMEM);
    CHECK(npieces == 2 && pieces[0][0] == B + 3 * PG && pieces[0][1] == B + 4 * PG);
    CHECK(pieces[1][0] == B + 5 * PG && pieces[1][1] == B + 6 * PG);
    npieces = 0;
    CHECK(madvise_walk(&map, B + 14 * PG, B + 18 * PG, record, NULL) == -ENOMEM);
    CHECK(npieces == 1 && pieces[0][1] == B + 16 * PG);
    npieces = 0;
    CHECK(madvise_walk(&map, B, B + 4 * PG, record, NULL) == 0 && npieces == 1);
}

struct mincore_case {
    const char *name;
    uint64_t addr, len, vec;
    int want;
};

#define VEC 0x10000000ul

static const struct mincore_case mincore_cases[] = {
    {"unaligned", B + 1, PG, VEC, -EINVAL},
    {"unmapped", B + 4 * PG, PG, VEC, -ENOMEM},
    {"len0 unmapped", B + 4 * PG, 0, VEC, OK},
    {"len0 unaligned", B + 1, 0, VEC, -EINVAL},
    {"hole inside", B + 3 * PG, 2 * PG, VEC, -ENOMEM},
    {"len unaligned", B, 1, VEC, OK},
    {"at TOP", TOP, PG, VEC, -ENOMEM},
    {"at TOP len0", TOP, 0, VEC, OK},
    {"TOP-PG", TOP - PG, PG, VEC, -ENOMEM},
    {"bad vec", B, PG, 0xffff800000000000ul, -EFAULT},
    {"len -1", B, -1ul, VEC, -ENOMEM},
};

HOST_TEST(mincore_cases_match_linux)
{
    setup();
    for (size_t i = 0; i < sizeof(mincore_cases) / sizeof(mincore_cases[0]); i++) {
        const struct mincore_case *c = &mincore_cases[i];
        uint64_t end = 0;
        int err = mincore_check(c->addr, c->len, c->vec, &end);
        if (!err && vma_mapped_end(&map, c->addr, end) < end)
            err = -ENOMEM;
        if (err != c->want)
            printf("    # mincore %s: got %d\n", c->name, err);
        CHECK(err == c->want);
    }
}

/* The oracle's brk sequence, from a break at 'cur' (= start_brk). */
HOST_TEST(brk_sequence_matches_linux)
{
    setup();
    uint64_t cur = 0x600000, brk = cur, lo, hi;
    CHECK(brk_apply(&map, cur, &brk, 0, &lo, &hi) == cur);
    CHECK(brk_apply(&map, cur, &brk, cur + 1, &lo, &hi) == cur + 1);
    CHECK(vma_find(&map, cur) && vma_find(&map, cur)->prot == RW);
    CHECK(brk_apply(&map, cur, &brk, 1, &lo, &hi) == cur + 1);
    CHECK(brk_apply(&map, cur, &brk, cur - PG, &lo, &hi) == cur + 1);
    CHECK(brk_apply(&map, cur, &brk, cur + 3 * PG, &lo, &hi) == cur + 3 * PG);
    CHECK(brk_apply(&map, cur, &brk, cur + PG + 5, &lo, &hi) == cur + PG + 5);
    CHECK(lo == cur + 2 * PG && hi == cur + 3 * PG && !vma_find(&map, cur + 2 * PG));
    struct vma other = {.start = cur + 8 * PG, .end = cur + 9 * PG, .prot = PROT_READ};
    CHECK(vma_insert(&map, &other) == 0);
    CHECK(brk_apply(&map, cur, &brk, cur + 8 * PG, &lo, &hi) == cur + PG + 5);
    CHECK(brk_apply(&map, cur, &brk, cur + 7 * PG, &lo, &hi) == cur + 7 * PG);
    CHECK(brk_apply(&map, cur, &brk, cur + 9 * PG, &lo, &hi) == cur + 7 * PG);
    CHECK(vma_remove(&map, cur, cur + 7 * PG) == 0);
    CHECK(brk_apply(&map, cur, &brk, cur + 2 * PG, &lo, &hi) == cur + 7 * PG);
    CHECK(brk_apply(&map, cur, &brk, cur + 6 * PG + 1, &lo, &hi) == cur + 6 * PG + 1);
    CHECK(brk_apply(&map, cur, &brk, cur + 7 * PG, &lo, &hi) == cur + 7 * PG);
    CHECK(!vma_find(&map, cur + 6 * PG));
    CHECK(brk_apply(&map, cur, &brk, TOP + 1, &lo, &hi) == cur + 7 * PG);
    vma_map_destroy(&map);
}

HOST_TEST_MAIN()
