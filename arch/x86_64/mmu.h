/*
 * The x86_64 MMU as mm/ sees it, and the one arch header mm/ includes:
 * every bit of a page-table entry and every operation on one has a name
 * here (pte_present, pte_is_leaf, mk_user_pte, pte_wrprotect...), as do
 * the page-fault error code, the poison of a freed table, the TLB flushes
 * and what they empty. 4-level paging: Intel SDM vol. 3A 4.5, AMD APM
 * vol. 2 5.3.
 *
 * A virtual address splits into four 9-bit table indexes and an offset:
 *
 *   47      39 38      30 29      21 20      12 11         0
 *   | PML4 (4) | PDPT (3) |  PD (2)  |  PT (1)  |   offset   |
 *
 * Level 1 entries map 4 KiB pages; a level 2 or 3 entry with PTE_HUGE maps
 * a 2 MiB or 1 GiB page (the kernel's direct map only: user tables have no
 * huge leaves); level 4 entries always point to a table.
 *
 * An entry is published with one 8-byte store (pte_set) and read once
 * (pte_read): the CPU sets the accessed and dirty bits concurrently, and
 * lockless walkers (mm/gup_fast.h) read tables while other CPUs change
 * them.
 */
#ifndef ARCH_X86_64_MMU_H
#define ARCH_X86_64_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
/* User copies, for the memory system calls of mm/ (mman_syscalls.c,
 * process_vm.c): included here so that mm/ has one arch header. */
#include "arch/x86_64/uaccess.h"

/* ---- Entries ---- */

typedef uint64_t pte_t;
_Static_assert(sizeof(pte_t) == 8, "an x86_64 page-table entry is 8 bytes");

#define PT_LEVELS 4
#define PT_ENTRIES 512

#define PTE_PRESENT (1ul << 0)
#define PTE_WRITE (1ul << 1)
#define PTE_USER (1ul << 2)
#define PTE_PWT (1ul << 3)      /* with PCD and PAT: which PAT entry gives the memory type */
#define PTE_ACCESSED (1ul << 5) /* set by the CPU on use */
#define PTE_DIRTY (1ul << 6)    /* leaf: set by the CPU on a write */
#define PTE_HUGE (1ul << 7)     /* levels 2 and 3: a 2 MiB / 1 GiB leaf */
#define PTE_GLOBAL (1ul << 8)   /* leaf only: survives CR3 loads (CR4.PGE) */
#define PTE_NX (1ul << 63)      /* only when EFER.NXE is set; reserved otherwise */
/* Software bit of a user leaf entry that is not present but still holds its
 * page: the page is mapped PROT_NONE (mm/as_internal.h). The MMU ignores
 * every other bit of an entry without PTE_PRESENT (SDM vol. 3A 4.5.4). */
#define PTE_PROTNONE (1ul << 9)
#define PTE_ADDR_MASK 0x000ffffffffff000ul

/* Flags of an entry that points to a lower table: permissions are decided
 * by the leaf, so a table entry allows everything (the user bit only in
 * user address spaces). */
#define PTE_KERNEL_TABLE (PTE_PRESENT | PTE_WRITE)
#define PTE_USER_TABLE (PTE_PRESENT | PTE_WRITE | PTE_USER)

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

/* ---- Reading an entry ---- */

static inline bool pte_present(pte_t e) { return e & PTE_PRESENT; }
static inline bool pte_writable(pte_t e) { return e & PTE_WRITE; }
static inline bool pte_user(pte_t e) { return e & PTE_USER; }
static inline bool pte_nx(pte_t e) { return e & PTE_NX; }
static inline bool pte_global(pte_t e) { return e & PTE_GLOBAL; }

/* True if the user leaf entry keeps a page it does not map (PROT_NONE). */
static inline bool pte_protnone(pte_t e) { return !pte_present(e) && (e & PTE_PROTNONE); }

/* True if the present entry at 'level' maps memory (a leaf) rather than
 * pointing to a table. */
static inline bool pte_is_leaf(pte_t e, int level)
{
    return level == 1 || (level < 4 && (e & PTE_HUGE));
}

/* Physical address the entry points to (a table or a page). */
static inline uint64_t pte_phys(pte_t e) { return e & PTE_ADDR_MASK; }
static inline uint64_t pte_pfn(pte_t e) { return pte_phys(e) >> 12; }

/* True if 'a' and 'b' map the same frame with the same rights: they differ
 * at most in the accessed and dirty bits, which the CPU sets on its own. */
static inline bool pte_same_mapping(pte_t a, pte_t b)
{
    return ((a ^ b) & ~(PTE_ACCESSED | PTE_DIRTY)) == 0;
}

/* ---- Making an entry ---- */

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

/* A user leaf entry mapping the frame at 'phys': present, user, writable if
 * 'write', not executable if 'nx' (which only a CPU with arch_nx_enabled()
 * allows: PTE_NX is a reserved bit otherwise). */
static inline pte_t mk_user_pte(uint64_t phys, bool write, bool nx)
{
    return mk_pte(phys, PTE_PRESENT | PTE_USER | (write ? PTE_WRITE : 0) | (nx ? PTE_NX : 0));
}

/* A user leaf entry that keeps the frame at 'phys' without mapping it
 * (PROT_NONE): not present, so no access reaches it. */
static inline pte_t mk_protnone_pte(uint64_t phys)
{
    return mk_pte(phys, PTE_PROTNONE);
}

/* An entry of a user table pointing to the lower table at 'phys'. */
static inline pte_t mk_user_table_pte(uint64_t phys)
{
    return mk_pte(phys, PTE_USER_TABLE);
}

/* An entry of a kernel table pointing to the lower table at 'phys'. */
static inline pte_t mk_kernel_table_pte(uint64_t phys)
{
    return mk_pte(phys, PTE_KERNEL_TABLE);
}

/* The entry 'e' without the right to write (copy-on-write after fork). */
static inline pte_t pte_wrprotect(pte_t e)
{
    return e & ~PTE_WRITE;
}

/* ---- Loads and stores ---- */

static inline pte_t pte_read(const pte_t *slot)
{
    return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

/* Release: the contents of a table that 'e' points to (initialized before
 * the store) are visible to whoever reads 'e' and follows it. */
static inline void pte_set(pte_t *slot, pte_t e)
{
    __atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

/* ---- The poison of a freed table ---- */

/* What DEBUG builds write into every slot of a freed table (mm/pt_gather.c):
 * present, with address bits 51..48 set, above any MAXPHYADDR prune runs
 * with: reserved bits, so an MMU walk through it raises a page fault with
 * PF_RSVD, and a software walker recognizes it (pte_is_poison). prune never
 * sets a reserved bit anywhere else. */
#define PTE_POISON 0x000dead000000001ul

static inline bool pte_is_poison(pte_t e) { return e == PTE_POISON; }

/* ---- The page-fault error code (pushed by the CPU for #PF, SDM vol. 3A 4.7) ---- */

#define PF_P (1u << 0)    /* 1: protection violation, 0: page not present */
#define PF_W (1u << 1)    /* the access was a write */
#define PF_U (1u << 2)    /* the access came from user mode (CPL 3) */
#define PF_RSVD (1u << 3) /* a reserved bit was set in a paging entry */
#define PF_I (1u << 4)    /* instruction fetch (only with NX enabled) */
#define PF_PK (1u << 5)   /* protection-key violation */

static inline bool pf_is_write(uint32_t error) { return error & PF_W; }
static inline bool pf_is_fetch(uint32_t error) { return error & PF_I; }
static inline bool pf_hit_reserved_bit(uint32_t error) { return error & PF_RSVD; }

/* ---- TLB flushes on this CPU (other CPUs: kernel/tlb_shootdown.h) ---- */

/* Drops this CPU's translation of the page holding 'va' (global or not). */
static inline void arch_flush_tlb_page(uint64_t va)
{
    invlpg(va);
}

/* Drops this CPU's translations of [start, end), page by page. */
static inline void arch_flush_tlb_range(uint64_t start, uint64_t end)
{
    for (uint64_t va = start & ~(pt_level_size(1) - 1); va < end; va += pt_level_size(1))
        invlpg(va);
}

#define EFER_NXE (1ul << 11)
#define EFER_TCE (1ul << 15) /* AMD: translation cache extension; prune leaves it 0 */
#define CR4_PGE (1ul << 7)
#define CR3_ADDR_MASK PTE_ADDR_MASK

/* Drops every translation of this CPU, global ones included (toggling
 * CR4.PGE flushes them; a CR3 load alone keeps global entries). */
static inline void arch_flush_tlb_all(void)
{
    uint64_t cr4 = read_cr4();
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

/*
 * Paging-structure caches. Besides translations, a CPU caches entries of
 * the upper-level tables (PML4, PDPT and PD entries: SDM vol. 3A 4.10.3),
 * and through them may go on walking a table whose parent entry was
 * cleared. A table page may be reused only once no CPU can hold such an
 * entry. What empties them:
 *  - Intel: INVLPG of any address "also invalidates all entries in all
 *    paging-structure caches associated with the current PCID, regardless
 *    of the linear addresses to which they correspond" (SDM vol. 3A
 *    4.10.4.1; prune leaves CR4.PCIDE off: one PCID, 0); so do a CR3 load
 *    and a CR4.PGE toggle (arch_flush_tlb_all).
 *  - AMD: the same while EFER.TCE is 0: INVLPG removes the target's
 *    translation "as well as all upper-level table entries that are cached
 *    in the TLB, whether or not they are associated with the target PTE"
 *    (APM vol. 2 3.1.7, "Translation Cache Extension"). With TCE set it
 *    would remove only those leading to the target, and a flush would then
 *    have to reach an address under every freed table. prune never sets it.
 * So on either vendor a flush of one page, any page, empties the caches of
 * the CPU that runs it: a zap that unlinked tables adds one page of its own
 * range to its shootdown (mm/as.c, zap_flush). paging_init() checks the
 * condition (arch_invlpg_empties_paging_caches()).
 */
static inline bool arch_invlpg_empties_paging_caches(void)
{
    return !(rdmsr(MSR_EFER) & EFER_TCE);
}

/* ---- CPU paging features ---- */

#define CPUID_EXT_EDX_NX (1u << 20)
#define CPUID_EXT_EDX_PDPE1GB (1u << 26)
#define CPUID_1_EDX_PGE (1u << 13)

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

/* ---- Address spaces ---- */

/* Switches this CPU to the page tables rooted at physical 'root' (which
 * also empties its TLB of non-global translations and its paging-structure
 * caches). */
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
