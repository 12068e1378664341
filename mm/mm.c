/*
 * Memory bring-up on the boot CPU, in this order:
 *  1. the usable RAM: the boot memory map minus what must never be handed
 *     out (mm/memmap.c);
 *  2. mem_map[], one struct page per frame up to the top of RAM, carved out
 *     of usable RAM below 4 GiB (the boot tables map only that much);
 *  3. the frame allocator gets the usable RAM below 4 GiB;
 *  4. paging_init() builds and loads the kernel page tables, taking its
 *     frames from there; now the direct map covers all RAM;
 *  5. the frame allocator gets the RAM above 4 GiB.
 */
#include "mm/mm.h"

#include "arch/x86_64/mmu.h"
#include "kernel/bootinfo.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/frame.h"
#include "mm/memmap.h"
#include "mm/page.h"
#include "mm/paging.h"

/* Below this much RAM prune refuses to boot: the kernel, its tables and
 * page descriptors take a few MiB, the initrd and user programs the rest. */
#define MM_MIN_RAM_MIB 24
#define BOOT_MAP_END (4ul << 30) /* what boot/entry.asm direct-maps */
#define LOW_MEMORY_END (1ul << 20) /* real-mode memory, BIOS data, AP trampoline */

struct page *mem_map;
uint64_t max_pfn;
static uint64_t total_bytes;

/* Lists what must never be handed out; returns how many ranges. */
static int reserved_ranges(struct phys_range *out)
{
    int n = 0;
    out[n++] = (struct phys_range){0, LOW_MEMORY_END};
    out[n++] = (struct phys_range){virt_to_phys(__kernel_start), virt_to_phys(__kernel_end)};
    out[n++] = (struct phys_range){boot_info.mbi_phys, boot_info.mbi_phys + boot_info.mbi_size};
    for (int i = 0; i < boot_info.module_count; i++)
        out[n++] = (struct phys_range){boot_info.modules[i].start, boot_info.modules[i].end};
    return n;
}

/* Takes 'bytes' for mem_map from the first usable range below 4 GiB that
 * holds them and removes them from 'usable'; returns the physical address. */
static uint64_t carve_mem_map(struct phys_range *usable, int *n, uint64_t bytes)
{
    for (int i = 0; i < *n; i++) {
        uint64_t start = usable[i].start;
        if (usable[i].end - start >= bytes && start + bytes <= BOOT_MAP_END) {
            memmap_subtract(usable, n, MEMMAP_MAX_RANGES, start, start + bytes);
            return start;
        }
    }
    panic("mm: no %lu KiB of contiguous RAM below 4 GiB for the page descriptors",
          bytes >> 10);
}

/* Gives the frames of 'usable' within [lo, hi) to the frame allocator. */
static void add_usable(const struct phys_range *usable, int n, uint64_t lo, uint64_t hi)
{
    for (int i = 0; i < n; i++) {
        uint64_t start = usable[i].start > lo ? usable[i].start : lo;
        uint64_t end = usable[i].end < hi ? usable[i].end : hi;
        if (start < end)
            frame_add_range(start >> PAGE_SHIFT, end >> PAGE_SHIFT);
    }
}

void mm_init(void)
{
    struct phys_range reserved[3 + BOOT_MAX_MODULES];
    struct phys_range usable[MEMMAP_MAX_RANGES];

    total_bytes = memmap_ram_bytes(boot_info.memory, boot_info.memory_count);
    if (total_bytes < ((uint64_t)MM_MIN_RAM_MIB << 20))
        panic("prune needs at least %d MiB of RAM; this machine has %lu MiB",
              MM_MIN_RAM_MIB, total_bytes >> 20);

    int nres = reserved_ranges(reserved);
    int n = memmap_usable(boot_info.memory, boot_info.memory_count, reserved, nres,
                          usable, MEMMAP_MAX_RANGES);
    uint64_t ram_top = memmap_ram_top(boot_info.memory, boot_info.memory_count);

    max_pfn = ram_top >> PAGE_SHIFT;
    uint64_t map_bytes = ALIGN_UP(max_pfn * sizeof(struct page), PAGE_SIZE);
    uint64_t map_phys = carve_mem_map(usable, &n, map_bytes);
    mem_map = phys_to_virt(map_phys);
    for (uint64_t pfn = 0; pfn < max_pfn; pfn++)
        mem_map[pfn] = (struct page){.flags = PG_RESERVED};

    frame_init();
    add_usable(usable, n, 0, BOOT_MAP_END);

    uint64_t map_end = ram_top > BOOT_MAP_END ? ram_top : BOOT_MAP_END;
    if (boot_info.framebuffer.present) {
        const struct boot_framebuffer *fb = &boot_info.framebuffer;
        uint64_t fb_end = fb->phys + (uint64_t)fb->pitch * fb->height;
        if (fb_end > map_end)
            map_end = fb_end;
    }
    paging_init(map_end);
    add_usable(usable, n, BOOT_MAP_END, ram_top);

    printk("mm: %lu MiB RAM (%lu MiB free, top 0x%lx), %lu KiB of page descriptors, "
           "direct map %lu MiB in %s pages, NX %s\n",
           total_bytes >> 20, mm_free_bytes() >> 20, ram_top, map_bytes >> 10,
           direct_map_end >> 20, direct_map_level == 3 ? "1 GiB" : "2 MiB",
           arch_nx_enabled() ? "on" : "off");
}

uint64_t mm_total_bytes(void)
{
    return total_bytes;
}

uint64_t mm_free_bytes(void)
{
    return frame_free_count() << PAGE_SHIFT;
}
