/*
 * x86_64 page-table entries (4-level paging, Intel SDM vol. 3 ch. 4.5).
 * mm/ builds and reads entries only through these names and helpers.
 *
 * A virtual address splits into four 9-bit table indexes and an offset:
 *
 *   47      39 38      30 29      21 20      12 11         0
 *   | PML4 (4) | PDPT (3) |  PD (2)  |  PT (1)  |   offset   |
 *
 * Level 1 entries map 4 KiB pages; a level 2 or 3 entry with PTE_HUGE maps
 * a 2 MiB or 1 GiB page; level 4 entries always point to a table.
 *
 * An entry is published with one 8-byte store (pte_set) and read once
 * (pte_read): the CPU sets accessed/dirty bits concurrently, and later
 * issues add walkers that read tables without a lock.
 */
#ifndef ARCH_X86_64_PGTABLE_H
#define ARCH_X86_64_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"

typedef uint64_t pte_t;
_Static_assert(sizeof(pte_t) == 8, "an x86_64 page-table entry is 8 bytes");

#define PT_LEVELS 4
#define PT_ENTRIES 512

#define PTE_PRESENT (1ul << 0)
#define PTE_WRITE (1ul << 1)
#define PTE_USER (1ul << 2)
#define PTE_PWT (1ul << 3)    /* with PCD and PAT: which PAT entry gives the memory type */
#define PTE_ACCESSED (1ul << 5)
#define PTE_DIRTY (1ul << 6)
#define PTE_HUGE (1ul << 7)   /* levels 2 and 3: a 2 MiB / 1 GiB leaf */
#define PTE_GLOBAL (1ul << 8) /* leaf only: survives CR3 loads (CR4.PGE) */
#define PTE_NX (1ul << 63)    /* only when EFER.NXE is set; reserved otherwise */
/* Software bit (ignored by the MMU) of a user leaf entry that is not present
 * but still holds its page: the page is mapped PROT_NONE (mm/as.h). */
#define PTE_PROTNONE (1ul << 9)
#define PTE_ADDR_MASK 0x000ffffffffff000ul

/* Flags of an entry that points to a lower kernel table: permissions are
 * decided by the leaf, so the table entry allows everything. */
#define PTE_KERNEL_TABLE (PTE_PRESENT | PTE_WRITE)

/* Size of the memory one entry at 'level' (1..4) maps. */
static inline uint64_t pt_level_size(int level)
{
    return 1ul << (12 + 9 * (level - 1));
}

/* The index of 'va' in a table at 'level' (1..4). */
static inline unsigned pt_index(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static inline bool pte_present(pte_t e) { return e & PTE_PRESENT; }
static inline bool pte_writable(pte_t e) { return e & PTE_WRITE; }
static inline bool pte_nx(pte_t e) { return e & PTE_NX; }
static inline bool pte_global(pte_t e) { return e & PTE_GLOBAL; }

/* True if the entry at 'level' maps memory rather than pointing to a table. */
static inline bool pte_leaf(pte_t e, int level)
{
    return level == 1 || (level < 4 && (e & PTE_HUGE));
}

/* Physical address the entry points to (a table or a page). */
static inline uint64_t pte_phys(pte_t e) { return e & PTE_ADDR_MASK; }
static inline uint64_t pte_pfn(pte_t e) { return pte_phys(e) >> 12; }

/* An entry for physical address 'phys' (aligned to what it maps) with 'flags'. */
static inline pte_t mk_pte(uint64_t phys, uint64_t flags)
{
    return (phys & PTE_ADDR_MASK) | flags;
}

/* A leaf entry at 'level': adds PTE_HUGE above level 1. */
static inline pte_t mk_leaf_pte(uint64_t phys, uint64_t flags, int level)
{
    return mk_pte(phys, flags | (level > 1 ? PTE_HUGE : 0));
}

static inline pte_t pte_read(const pte_t *slot)
{
    return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

static inline void pte_set(pte_t *slot, pte_t e)
{
    __atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

/* CPU paging features. */
#define CPUID_EXT_EDX_NX (1u << 20)
#define CPUID_EXT_EDX_PDPE1GB (1u << 26)
#define CPUID_1_EDX_PGE (1u << 13)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ul << 11)
#define CR4_PGE (1ul << 7)
#define CR3_ADDR_MASK PTE_ADDR_MASK

/*
 * Memory types (Intel SDM vol. 3, 11.12). A 4 KiB leaf's PAT, PCD and PWT
 * bits pick one of the eight entries of the PAT MSR. Every entry prune
 * uses is 0 (write-back, PWT clear) except the framebuffer's: arch_pat_init()
 * makes entry 1 (PWT alone) write-combining, so PTE_WRITE_COMBINING is PWT.
 * Write-combining lets the CPU gather stores into bursts; reads stay slow.
 */
#define PTE_WRITE_COMBINING PTE_PWT
#define MSR_PAT 0x277
#define PAT_ENTRY_WC 1
#define PAT_TYPE_WC 0x01
#define PAT_TYPE_SHIFT(entry) ((entry) * 8)

/* Sets PAT entry 1 to write-combining. Every CPU, before it uses
 * PTE_WRITE_COMBINING: the CPUs' PATs must agree. */
static inline void arch_pat_init(void)
{
    uint64_t pat = rdmsr(MSR_PAT) & ~(0xfful << PAT_TYPE_SHIFT(PAT_ENTRY_WC));
    wrmsr(MSR_PAT, pat | (uint64_t)PAT_TYPE_WC << PAT_TYPE_SHIFT(PAT_ENTRY_WC));
}

/* The memory type PAT entry 'entry' holds on this CPU. */
static inline uint8_t arch_pat_type(int entry)
{
    return rdmsr(MSR_PAT) >> PAT_TYPE_SHIFT(entry);
}

/* True if the CPU can map 1 GiB pages (level 3 leaves). */
static inline bool arch_has_1g_pages(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000001)
        return false;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    return d & CPUID_EXT_EDX_PDPE1GB;
}

/* True if PTE_NX may be used: boot/entry.asm set EFER.NXE when CPUID has NX. */
static inline bool arch_nx_enabled(void)
{
    return rdmsr(MSR_EFER) & EFER_NXE;
}

/* True if the CPU supports global pages (every x86_64 CPU does). */
static inline bool arch_has_global_pages(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    return d & CPUID_1_EDX_PGE;
}

/* Sets CR4.PGE: PTE_GLOBAL leaves then survive CR3 loads. Also flushes the TLB. */
static inline void arch_enable_global_pages(void)
{
    write_cr4(read_cr4() | CR4_PGE);
}

static inline bool arch_global_pages_enabled(void)
{
    return read_cr4() & CR4_PGE;
}

/* Switches this CPU to the page tables rooted at physical 'root'. */
static inline void arch_load_root(uint64_t root)
{
    write_cr3(root);
}

/* Physical address of this CPU's current top-level table. */
static inline uint64_t arch_current_root(void)
{
    return read_cr3() & CR3_ADDR_MASK;
}

#endif
