/* The live kernel page tables: W^X on the image, the direct map, no identity map. */
#include "arch/x86_64/mmu.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "tests/kernel/ktest.h"

static const char wx_rodata[] = "read-only data";
static int wx_data = 1;
static int wx_bss;

/* The leaf entry mapping 'va' in the current tables; 0 if none. */
static pte_t leaf(const void *va, int *level)
{
    pte_t *slot = pgtable_lookup(arch_current_root(), (uint64_t)va, level);
    return slot ? pte_read(slot) : 0;
}

KTEST(mm_paging_kernel_image_is_wx)
{
    bool nx = arch_nx_enabled();
    int level;
    KEXPECT(arch_current_root() == kernel_pml4_phys);
    KEXPECT(kernel_pml4_phys < (4ul << 30));

    pte_t text = leaf((const void *)pgtable_lookup, &level);
    KEXPECT(pte_present(text) && level == 1);
    KEXPECT(!pte_writable(text) && !pte_nx(text) && pte_global(text));

    /* .rodata and the last byte of .ksyms */
    const void *rodata[] = {wx_rodata, (const void *)((uint64_t)__rodata_end - 1)};
    for (int i = 0; i < 2; i++) {
        pte_t ro = leaf(rodata[i], &level);
        KEXPECT(pte_present(ro) && level == 1);
        KEXPECT(!pte_writable(ro) && pte_nx(ro) == nx && pte_global(ro));
    }

    const void *data[] = {&wx_data, &wx_bss};
    for (int i = 0; i < 2; i++) {
        pte_t rw = leaf(data[i], &level);
        KEXPECT(pte_present(rw) && level == 1);
        KEXPECT(pte_writable(rw) && pte_nx(rw) == nx && pte_global(rw));
    }
    KEXPECT(pte_phys(leaf(&wx_data, &level)) == ALIGN_DOWN(virt_to_phys(&wx_data), PAGE_SIZE));
}

KTEST(mm_paging_direct_map_and_no_identity_map)
{
    int level;
    pte_t dm = leaf(phys_to_virt(0), &level);
    KEXPECT(pte_present(dm) && level == direct_map_level);
    KEXPECT(direct_map_level == (arch_has_1g_pages() ? 3 : 2));
    KEXPECT(pte_writable(dm) && pte_nx(dm) == arch_nx_enabled() && pte_global(dm));
    KEXPECT(direct_map_end >= (4ul << 30));
    KEXPECT(pgtable_lookup(arch_current_root(), DIRECT_MAP_BASE + direct_map_end - 1, &level));
    KEXPECT(!pgtable_lookup(arch_current_root(), DIRECT_MAP_BASE + direct_map_end, &level));
    KEXPECT(!pgtable_lookup(arch_current_root(), KERNEL_PHYS, &level));
    KEXPECT(!pgtable_lookup(arch_current_root(), 0x1000, &level));
    KEXPECT(arch_global_pages_enabled());
}
