/*
 * TLB shootdown: make every CPU that may cache a translation of a range drop
 * it, and wait until each has (the acknowledgement is also what makes
 * freeing a page-table page safe: a CPU that acknowledged can no longer be
 * inside a lockless walk that started before the unlink, since such walks
 * run with interrupts off).
 *
 * Batching: an unmap adds its ranges to a struct tlb_batch and finishes it
 * once with tlb_batch_flush(), which sends one IPI per target CPU whatever
 * the number of ranges. Per range, a CPU uses invlpg page by page up to
 * TLB_INVLPG_MAX pages, and a full flush beyond; a batch with more than
 * TLB_BATCH_RANGES ranges becomes a full flush.
 *
 * Rules: the caller of tlb_batch_flush() waits for other CPUs, so it has
 * interrupts on and holds no spinlock and no page-table lock; it may hold
 * an address space's map lock (kernel/smp_call.h says why; smp_call_function
 * checks, the locks in DEBUG builds). A batch only lists ranges: whether it
 * must be flushed is its owner's rule (user zaps: mm/as_internal.h, Z1..Z4).
 * The per-CPU flushes, and what they empty, are in arch/x86_64/mmu.h.
 */
#ifndef KERNEL_TLB_SHOOTDOWN_H
#define KERNEL_TLB_SHOOTDOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/percpu.h"

#define TLB_INVLPG_MAX 32
#define TLB_BATCH_RANGES 8

struct tlb_batch {
    int count;    /* ranges[0..count) are valid */
    bool full;    /* flush everything instead */
    struct { uint64_t start, end; } ranges[TLB_BATCH_RANGES];
};

#define TLB_BATCH_INIT { 0, false, { { 0, 0 } } }

/* True if nothing was added since the batch was made or last flushed. */
static inline bool tlb_batch_empty(const struct tlb_batch *batch)
{
    return !batch->full && batch->count == 0;
}

/* Records [start, end) (page aligned) as needing a flush. */
void tlb_batch_add(struct tlb_batch *batch, uint64_t start, uint64_t end);

/* Flushes the batch on every CPU in 'cpus' (this one included if set),
 * waits for all of them, and empties the batch. Returns how many remote
 * CPUs were interrupted. */
int tlb_batch_flush(struct tlb_batch *batch, cpumask_t cpus);

/* Statistics for the benchmarks: IPIs sent for shootdowns. */
extern uint64_t tlb_shootdown_ipis;

#endif
