/*
 * The virtual address space layout (x86_64, 4-level paging, 48-bit).
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (mm/as.h; USER_TOP)
 *   0xffff800000000000 .. (+ top of RAM)       direct map of all physical memory
 *   0xffffc00000000000 .. (+ 512 GiB)          device memory (mm/paging.h)
 *   0xffffe00000000000 .. (+ 512 GiB)          scratch mappings of the kernel's
 *                                              own tests (tests/kernel/)
 *   0xffffffff80000000 .. (+ 2 GiB)            the kernel image (phys 2 MiB + ...)
 *
 * phys_to_virt() works from the first instruction of kmain for the first
 * 4 GiB (boot/entry.asm maps it), and for all RAM after paging_init().
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include <stdint.h>

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define DIRECT_MAP_BASE 0xffff800000000000ul
#define IO_MAP_BASE 0xffffc00000000000ul
#define IO_MAP_SIZE (512ul << 30)
#define TEST_MAP_BASE 0xffffe00000000000ul
#define KERNEL_VMA 0xffffffff80000000ul
#define KERNEL_PHYS 0x200000ul

#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a) - 1, (a))

static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
    uint64_t va = (uint64_t)virt;
    return va >= KERNEL_VMA ? va - KERNEL_VMA : va - DIRECT_MAP_BASE;
}

/* Bounds of the kernel image and its sections (linker.ld). */
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

#endif
