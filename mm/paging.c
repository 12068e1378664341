/* Builds and loads the kernel page tables; see mm/paging.h. */
#include "mm/paging.h"

#include "arch/x86_64/mmu.h"
#include "kernel/panic.h"
#include "mm/frame.h"
#include "mm/layout.h"

uint64_t kernel_pml4_phys;
uint64_t direct_map_end;
int direct_map_level;

/* Returns a zeroed frame for a page table, reachable through the boot map. */
static uint64_t alloc_table(void)
{
    struct page *page = frame_alloc_zeroed(0);
    if (!page)
        panic("mm: out of memory for the kernel page tables");
    ASSERT(page_to_phys(page) < (4ul << 30));
    return page_to_phys(page);
}

/* Returns the slot for 'va' in the table at 'level' under 'root', creating
 * the missing tables above it. Boot only: tables are not yet shared. */
static pte_t *walk_create(pte_t *root, uint64_t va, int level)
{
    pte_t *table = root;
    for (int l = PT_LEVELS; l > level; l--) {
        pte_t *slot = &table[pt_index(va, l)];
        pte_t e = pte_read(slot);
        if (!pte_present(e)) {
            e = mk_kernel_table_pte(alloc_table());
            pte_set(slot, e);
        }
        ASSERT(!pte_is_leaf(e, l));
        table = phys_to_virt(pte_phys(e));
    }
    return &table[pt_index(va, level)];
}

/* Maps [va, va + size) to [phys, ...) with leaves at 'level' and 'flags';
 * va, phys and size are aligned to that level's page size. */
static void map_range(pte_t *root, uint64_t va, uint64_t phys, uint64_t size,
                      int level, uint64_t flags)
{
    uint64_t step = pt_level_size(level);
    ASSERT(va % step == 0 && phys % step == 0 && size % step == 0);
    for (uint64_t off = 0; off < size; off += step) {
        pte_t *slot = walk_create(root, va + off, level);
        ASSERT(!pte_present(pte_read(slot)));
        pte_set(slot, mk_leaf_pte(phys + off, flags, level));
    }
}

/* Maps the kernel section [start, end) of the image with 4 KiB pages. */
static void map_kernel_section(pte_t *root, const char *start, const char *end,
                               uint64_t flags)
{
    uint64_t va = (uint64_t)start;
    uint64_t size = ALIGN_UP((uint64_t)end, PAGE_SIZE) - va;
    map_range(root, va, va - KERNEL_VMA, size, 1, flags);
}

void paging_init(uint64_t map_end)
{
    /* freeing user tables relies on it (mm/pt_ref.h, R6) */
    ASSERT(arch_invlpg_empties_paging_caches());
    uint64_t nx = arch_nx_enabled() ? PTE_NX : 0;
    uint64_t global = arch_has_global_pages() ? PTE_GLOBAL : 0;
    direct_map_level = arch_has_1g_pages() ? 3 : 2;

    kernel_pml4_phys = alloc_table();
    pte_t *root = phys_to_virt(kernel_pml4_phys);

    direct_map_end = ALIGN_UP(map_end, pt_level_size(direct_map_level));
    map_range(root, DIRECT_MAP_BASE, 0, direct_map_end, direct_map_level,
              PTE_PRESENT | PTE_WRITE | global | nx);

    /* W^X: linker.ld starts every section on a page and leaves no gap. */
    ASSERT(ALIGN_UP((uint64_t)__text_end, PAGE_SIZE) == (uint64_t)__rodata_start);
    ASSERT(ALIGN_UP((uint64_t)__rodata_end, PAGE_SIZE) == (uint64_t)__data_start);
    ASSERT((uint64_t)__text_start == (uint64_t)__kernel_start &&
           (uint64_t)__data_end == (uint64_t)__kernel_end);
    map_kernel_section(root, __text_start, __text_end, PTE_PRESENT | global);
    map_kernel_section(root, __rodata_start, __rodata_end, PTE_PRESENT | global | nx);
    map_kernel_section(root, __data_start, __data_end,
                       PTE_PRESENT | PTE_WRITE | global | nx);

    /* Every kernel-half PML4 entry exists now, so address spaces that copy
     * them share all later changes below them. */
    for (int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
        if (!pte_present(pte_read(&root[i])))
            pte_set(&root[i], mk_kernel_table_pte(alloc_table()));

    arch_load_root(kernel_pml4_phys);
    if (global)
        arch_enable_global_pages();
}

void *paging_map_write_combining(uint64_t phys, uint64_t size)
{
    static uint64_t next = IO_MAP_BASE; /* boot CPU only */
    uint64_t start = ALIGN_DOWN(phys, PAGE_SIZE);
    uint64_t bytes = ALIGN_UP(phys + size, PAGE_SIZE) - start;
    if (bytes > IO_MAP_BASE + IO_MAP_SIZE - next)
        return NULL;
    uint64_t nx = arch_nx_enabled() ? PTE_NX : 0;
    map_range(phys_to_virt(kernel_pml4_phys), next, start, bytes, 1,
              PTE_PRESENT | PTE_WRITE | PTE_WRITE_COMBINING | nx);
    void *va = (void *)(next + (phys - start));
    next += bytes;
    return va;
}

pte_t *pgtable_lookup(uint64_t root, uint64_t va, int *level)
{
    pte_t *table = phys_to_virt(root);
    for (int l = PT_LEVELS; l >= 1; l--) {
        pte_t *slot = &table[pt_index(va, l)];
        pte_t e = pte_read(slot);
        if (!pte_present(e))
            return NULL;
        if (pte_is_leaf(e, l)) {
            *level = l;
            return slot;
        }
        table = phys_to_virt(pte_phys(e));
    }
    return NULL;
}
