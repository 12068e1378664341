/*
 * The frame allocator and the direct map: reservations, alloc-all with no
 * frame handed out twice, every frame written and read back through the
 * direct map (above 4 GiB too), everything freed merges back.
 */
#include "kernel/bootinfo.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/page.h"
#include "tests/kernel/ktest.h"

#define FOUR_GIB (4ul << 30)

/* A block taken by alloc_all(), linked through its own first bytes. */
struct held_block {
    struct held_block *next;
    int order;
};

static bool range_reserved(uint64_t start, uint64_t end)
{
    for (uint64_t phys = ALIGN_DOWN(start, PAGE_SIZE); phys < end; phys += PAGE_SIZE)
        if (phys_valid(phys) && !(phys_to_page(phys)->flags & PG_RESERVED))
            return false;
    return true;
}

KTEST(mm_reserved_frames_are_never_free)
{
    KEXPECT(range_reserved(0, 1ul << 20));
    KEXPECT(range_reserved(virt_to_phys(__kernel_start), virt_to_phys(__kernel_end)));
    KEXPECT(range_reserved(boot_info.mbi_phys, boot_info.mbi_phys + boot_info.mbi_size));
    for (int i = 0; i < boot_info.module_count; i++)
        KEXPECT(range_reserved(boot_info.modules[i].start, boot_info.modules[i].end));
    KEXPECT(range_reserved(virt_to_phys(mem_map), virt_to_phys(mem_map + max_pfn)));
    for (int i = 0; i < boot_info.memory_count; i++)
        if (boot_info.memory[i].type != 1)
            KEXPECT(range_reserved(boot_info.memory[i].base,
                                   boot_info.memory[i].base + boot_info.memory[i].length));
}

KTEST(mm_frame_alloc_split_and_merge)
{
    uint64_t before[FRAME_MAX_ORDER + 1];
    for (int o = 0; o <= FRAME_MAX_ORDER; o++)
        before[o] = frame_free_blocks(o);
    uint64_t free_before = frame_free_count();

    struct page *a = frame_alloc(0), *b = frame_alloc(0), *c = frame_alloc(3);
    KASSERT(a && b && c);
    KEXPECT(a != b);
    KEXPECT(page_to_phys(c) % (8 * PAGE_SIZE) == 0);
    KEXPECT(a->refcount == 1 && a->flags == 0);
    KEXPECT(frame_free_count() == free_before - 10);
    frame_free(c, 3);
    frame_free(b, 0);
    frame_free(a, 0);
    KEXPECT(frame_free_count() == free_before);
    for (int o = 0; o <= FRAME_MAX_ORDER; o++)
        KEXPECT(frame_free_blocks(o) == before[o]);
}

static void bitmap_set(uint64_t *bits, uint64_t n) { bits[n / 64] |= 1ul << (n % 64); }
static bool bitmap_test(const uint64_t *bits, uint64_t n) { return bits[n / 64] & (1ul << (n % 64)); }

/* The tag written into frame 'pfn' to find aliases in the direct map.
 * About TAG_SAMPLES frames spread over RAM get one: the direct map uses
 * 2 MiB or 1 GiB pages, so a wrong entry shows at any of their frames, and
 * touching every frame of an 8 GiB guest makes QEMU fault in (and zero)
 * all of its memory, ~20 s. */
#define TAG_SAMPLES 1024
#define TAG_WORD 2 /* words 0 and 1 of a block's head hold its held_block */
static uint64_t frame_tag(uint64_t pfn) { return pfn * 0x9e3779b97f4a7c15ul + 1; }

KTEST(mm_frame_alloc_all_distinct_and_direct_map_reaches_them)
{
    uint64_t before[FRAME_MAX_ORDER + 1];
    uint64_t bitmap_bytes = ALIGN_UP(max_pfn, 64) / 8;
    int bitmap_order = 0;
    while ((PAGE_SIZE << bitmap_order) < bitmap_bytes)
        bitmap_order++;
    struct page *bitmap_page = frame_alloc_zeroed(bitmap_order);
    KASSERT(bitmap_page);
    uint64_t *taken = page_to_virt(bitmap_page);
    uint64_t stride = max_pfn / TAG_SAMPLES + 1;
    uint64_t free_before = frame_free_count();
    for (int o = 0; o <= FRAME_MAX_ORDER; o++)
        before[o] = frame_free_blocks(o);

    /* Take everything, largest blocks first; tag every frame. */
    struct held_block *held = NULL;
    uint64_t frames = 0, twice = 0, reserved = 0, misaligned = 0, above_4g = 0;
    for (int order = FRAME_MAX_ORDER; order >= 0; order--) {
        struct page *page;
        while ((page = frame_alloc(order))) {
            uint64_t pfn = page_to_pfn(page);
            misaligned += pfn % (1ul << order) != 0;
            for (uint64_t f = pfn; f < pfn + (1ul << order); f++) {
                twice += bitmap_test(taken, f);
                reserved += (mem_map[f].flags & PG_RESERVED) != 0;
                bitmap_set(taken, f);
                if (f % stride)
                    continue;
                uint64_t *frame = phys_to_virt(f << PAGE_SHIFT);
                frame[TAG_WORD] = frame_tag(f);
                frame[PAGE_SIZE / 8 - 1] = ~frame_tag(f);
                above_4g += (f << PAGE_SHIFT) >= FOUR_GIB;
            }
            frames += 1ul << order;
            struct held_block *h = page_to_virt(page);
            h->next = held;
            h->order = order;
            held = h;
        }
    }
    KEXPECT(frames == free_before);
    KEXPECT(frame_free_count() == 0);
    KEXPECT(twice == 0);
    KEXPECT(reserved == 0);
    KEXPECT(misaligned == 0);
    if (max_pfn << PAGE_SHIFT > FOUR_GIB)
        KEXPECT(above_4g > 0);

    /* Read every tag back once all are written: an alias would clobber one. */
    uint64_t bad = 0;
    for (uint64_t f = 0; f < max_pfn; f += stride) {
        if (!bitmap_test(taken, f))
            continue;
        const uint64_t *frame = phys_to_virt(f << PAGE_SHIFT);
        bad += frame[TAG_WORD] != frame_tag(f) || frame[PAGE_SIZE / 8 - 1] != ~frame_tag(f);
    }
    KEXPECT(bad == 0);

    while (held) {
        struct held_block *next = held->next;
        frame_free(virt_to_page(held), held->order);
        held = next;
    }
    KEXPECT(frame_free_count() == free_before);
    for (int o = 0; o <= FRAME_MAX_ORDER; o++)
        KEXPECT(frame_free_blocks(o) == before[o]);
    frame_free(bitmap_page, bitmap_order);
}
