/*
 * The kernel's page tables (built once by paging_init, on the boot CPU):
 *   PML4 256..   direct map of physical 0 .. direct_map_end, RW+NX, global,
 *                1 GiB pages if the CPU has them, else 2 MiB pages;
 *   PML4 384     device memory mapped by paging_map_write_combining()
 *                (IO_MAP_BASE), 4 KiB pages, never unmapped;
 *   PML4 511     the kernel image at KERNEL_VMA in 4 KiB pages, W^X:
 *                .text RX, .rodata (+ .ksyms) R+NX, .data/.bss RW+NX.
 * Nothing is mapped below 0x0000800000000000: the boot identity map is gone.
 * The kernel half (PML4 entries 256..511) never changes after paging_init,
 * so an address space copies those 256 entries from kernel_pml4_phys.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdint.h>

#include "arch/x86_64/mmu.h"

#define PML4_KERNEL_FIRST 256 /* first PML4 entry of the kernel half */

/* Physical address of the kernel PML4; below 4 GiB (the AP trampoline
 * loads it from 32-bit code). Set by paging_init(). */
extern uint64_t kernel_pml4_phys;
/* End of the direct map: phys_to_virt() works for physical [0, this). */
extern uint64_t direct_map_end;
/* The level of the direct map's leaves: 3 (1 GiB pages) or 2 (2 MiB). */
extern int direct_map_level;

/* Builds the kernel tables covering [0, map_end) in the direct map, loads
 * them and turns on global pages. Frames it takes must be below 4 GiB. */
void paging_init(uint64_t map_end);

/* Maps physical [phys, phys + size) write-combining (PTE_WRITE_COMBINING)
 * at the next free addresses above IO_MAP_BASE and returns the address of
 * 'phys'. For a framebuffer. Boot CPU, before other CPUs start (the range
 * was never mapped: no TLB holds it); never unmapped. NULL if out of room. */
void *paging_map_write_combining(uint64_t phys, uint64_t size);

/* Walks the tables rooted at physical 'root' for 'va'; returns the leaf
 * entry's slot and its level in *level, or NULL if 'va' is not mapped.
 * The caller keeps the tables from changing (the kernel half never does). */
pte_t *pgtable_lookup(uint64_t root, uint64_t va, int *level);

#endif
