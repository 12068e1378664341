/*
 * From the boot loader's memory map to the list of frames the allocator
 * may hand out. Pure logic (no hardware, no globals): tests/host/
 * test_memmap.c runs it on the host.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <stdint.h>

#include "kernel/bootinfo.h"

/* Physical range [start, end). */
struct phys_range {
    uint64_t start, end;
};

#define MEMMAP_MAX_RANGES (BOOT_MAX_MEMORY_RANGES + 16)

/*
 * Fills 'out' (room for 'max') with the page-aligned, sorted, disjoint
 * ranges that are RAM (type 1) in 'map', minus every range of another type
 * (overlapping entries: the non-RAM one wins) and minus 'reserved'.
 * Returns the number of ranges; if 'out' fills up, the highest pieces are
 * dropped (memory lost, never memory wrongly handed out).
 */
int memmap_usable(const struct boot_memory_range *map, int count,
                  const struct phys_range *reserved, int nreserved,
                  struct phys_range *out, int max);

/* Bytes of RAM (type 1, page-aligned, overlaps counted once) in 'map'. */
uint64_t memmap_ram_bytes(const struct boot_memory_range *map, int count);

/* The end of the highest RAM range of 'map' (page-aligned down). */
uint64_t memmap_ram_top(const struct boot_memory_range *map, int count);

/* Removes [start, end) from the sorted, disjoint ranges out[0..*n) (room
 * for 'max'), updating *n. A split that does not fit drops the upper piece. */
void memmap_subtract(struct phys_range *out, int *n, int max, uint64_t start, uint64_t end);

#endif
