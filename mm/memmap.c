/* The usable-RAM list from the boot memory map; see mm/memmap.h. */
#include "mm/memmap.h"

#include "kernel/multiboot2.h"
#include "mm/layout.h"

/* Collects the type-1 ranges of 'map', shrunk to whole pages, sorted and merged. */
static int collect_ram(const struct boot_memory_range *map, int count,
                       struct phys_range *out, int max)
{
    int n = 0;
    for (int i = 0; i < count && n < max; i++) {
        if (map[i].type != MB2_MMAP_AVAILABLE)
            continue;
        uint64_t start = ALIGN_UP(map[i].base, PAGE_SIZE);
        uint64_t end = ALIGN_DOWN(map[i].base + map[i].length, PAGE_SIZE);
        if (start >= end)
            continue;
        /* Insertion sort by start. */
        int j = n++;
        while (j > 0 && out[j - 1].start > start) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = (struct phys_range){start, end};
    }
    int merged = 0;
    for (int i = 0; i < n; i++) {
        if (merged > 0 && out[i].start <= out[merged - 1].end) {
            if (out[i].end > out[merged - 1].end)
                out[merged - 1].end = out[i].end;
        } else {
            out[merged++] = out[i];
        }
    }
    return merged;
}

void memmap_subtract(struct phys_range *out, int *n, int max, uint64_t start, uint64_t end)
{
    for (int i = 0; i < *n && start < end; i++) {
        struct phys_range r = out[i];
        if (end <= r.start || start >= r.end)
            continue;
        if (start <= r.start && end >= r.end) { /* covers it: delete */
            for (int j = i; j + 1 < *n; j++)
                out[j] = out[j + 1];
            (*n)--;
            i--;
        } else if (start <= r.start) { /* cuts its head */
            out[i].start = end;
        } else if (end >= r.end) { /* cuts its tail */
            out[i].end = start;
        } else { /* splits it in two */
            out[i].end = start;
            if (*n == max)
                continue;
            for (int j = *n; j > i + 1; j--)
                out[j] = out[j - 1];
            out[i + 1] = (struct phys_range){end, r.end};
            (*n)++;
            i++;
        }
    }
}

int memmap_usable(const struct boot_memory_range *map, int count,
                  const struct phys_range *reserved, int nreserved,
                  struct phys_range *out, int max)
{
    int n = collect_ram(map, count, out, max);
    for (int i = 0; i < count; i++) {
        if (map[i].type == MB2_MMAP_AVAILABLE)
            continue;
        memmap_subtract(out, &n, max, ALIGN_DOWN(map[i].base, PAGE_SIZE),
                        ALIGN_UP(map[i].base + map[i].length, PAGE_SIZE));
    }
    for (int i = 0; i < nreserved; i++)
        memmap_subtract(out, &n, max, ALIGN_DOWN(reserved[i].start, PAGE_SIZE),
                        ALIGN_UP(reserved[i].end, PAGE_SIZE));
    return n;
}

uint64_t memmap_ram_bytes(const struct boot_memory_range *map, int count)
{
    struct phys_range ram[MEMMAP_MAX_RANGES];
    int n = collect_ram(map, count, ram, MEMMAP_MAX_RANGES);
    uint64_t bytes = 0;
    for (int i = 0; i < n; i++)
        bytes += ram[i].end - ram[i].start;
    return bytes;
}

uint64_t memmap_ram_top(const struct boot_memory_range *map, int count)
{
    struct phys_range ram[MEMMAP_MAX_RANGES];
    int n = collect_ram(map, count, ram, MEMMAP_MAX_RANGES);
    return n ? ram[n - 1].end : 0;
}
