/* kmalloc: sizes, alignment to the size class, reuse, zeroing, statistics. */
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "tests/kernel/ktest.h"

/* The alignment kmalloc promises for 'size': its class size, at most 4 KiB. */
static uint64_t promised_alignment(size_t size)
{
    uint64_t align = KMALLOC_MIN_SIZE;
    while (align < size && align < PAGE_SIZE)
        align <<= 1;
    return align;
}

KTEST(mm_kmalloc_sizes_and_alignment)
{
    static const size_t sizes[] = {1, 8, 15, 16, 17, 24, 33, 100, 128, 129, 500,
                                   1000, 1024, 2047, 2048, 2049, 4096, 5000, 20000};
    uint64_t in_use = kmalloc_in_use();
    uint64_t free_frames = frame_free_count();
    void *p[sizeof(sizes) / sizeof(sizes[0])];
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        p[i] = kmalloc(sizes[i]);
        KASSERT(p[i]);
        KEXPECT((uint64_t)p[i] % promised_alignment(sizes[i]) == 0);
        memset(p[i], 0xa0 + i, sizes[i]);
    }
    KEXPECT(kmalloc_in_use() == in_use + sizeof(sizes) / sizeof(sizes[0]));
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const unsigned char *b = p[i];
        KEXPECT(b[0] == 0xa0 + i && b[sizes[i] - 1] == 0xa0 + i);
        kfree(p[i]);
    }
    KEXPECT(kmalloc_in_use() == in_use);
    KEXPECT(frame_free_count() == free_frames);
    KEXPECT(kmalloc(0) == NULL);
    kfree(NULL);
}

KTEST(mm_kmalloc_reuses_freed_objects)
{
    void *a = kmalloc(64), *b = kmalloc(64);
    KASSERT(a && b);
    KEXPECT(a != b);
    kfree(a);
    void *c = kmalloc(50);
    KEXPECT(c == a);
    kfree(b);
    kfree(c);
}

KTEST(mm_kzalloc_zeroes)
{
    unsigned char *a = kmalloc(256), *keep = kmalloc(256);
    KASSERT(a && keep);
    memset(a, 0xff, 256);
    kfree(a);
    unsigned char *z = kzalloc(200);
    KASSERT(z);
    KEXPECT(z == a);
    int nonzero = 0;
    for (int i = 0; i < 200; i++)
        nonzero += z[i] != 0;
    KEXPECT(nonzero == 0);
    kfree(z);
    kfree(keep);
}

KTEST(mm_kmalloc_many_objects_distinct)
{
    enum { N = 1000 };
    static uint32_t *objs[N];
    uint64_t in_use = kmalloc_in_use();
    uint64_t free_frames = frame_free_count();
    for (int i = 0; i < N; i++) {
        objs[i] = kmalloc(32);
        KASSERT(objs[i]);
        for (int w = 0; w < 8; w++)
            objs[i][w] = i;
    }
    int clobbered = 0;
    for (int i = 0; i < N; i++)
        for (int w = 0; w < 8; w++)
            clobbered += objs[i][w] != (uint32_t)i;
    KEXPECT(clobbered == 0);
    for (int i = 0; i < N; i += 2)
        kfree(objs[i]);
    for (int i = 1; i < N; i += 2)
        kfree(objs[i]);
    KEXPECT(kmalloc_in_use() == in_use);
    KEXPECT(frame_free_count() == free_frames);
}

KTEST(mm_kmalloc_large_uses_whole_frames)
{
    uint64_t free_frames = frame_free_count();
    void *p = kmalloc(3 * PAGE_SIZE + 1);
    KASSERT(p);
    struct page *page = virt_to_page(p);
    KEXPECT((uint64_t)p % PAGE_SIZE == 0);
    KEXPECT((page->flags & PG_LARGE) && page->order == 2 && page->size == 3 * PAGE_SIZE + 1);
    KEXPECT(frame_free_count() == free_frames - 4);
    kfree(p);
    KEXPECT(frame_free_count() == free_frames);
}
