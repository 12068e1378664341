/*
 * TLB flushes on this CPU only. Flushing other CPUs (shootdowns) is built on
 * top of these by a later issue.
 */
#ifndef ARCH_X86_64_TLB_H
#define ARCH_X86_64_TLB_H

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pgtable.h"

/* Drops this CPU's translation of the page holding 'va' (global or not). */
static inline void arch_flush_tlb_page(uint64_t va)
{
    invlpg(va);
}

/* Drops this CPU's translations of [start, end), page by page. */
static inline void arch_flush_tlb_range(uint64_t start, uint64_t end)
{
    for (uint64_t va = start & ~0xffful; va < end; va += 4096)
        invlpg(va);
}

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

#endif
