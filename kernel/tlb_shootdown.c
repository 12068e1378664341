/* TLB shootdown; see kernel/tlb_shootdown.h. */
#include "kernel/tlb_shootdown.h"

#include "arch/x86_64/mmu.h"
#include "kernel/smp_call.h"

uint64_t tlb_shootdown_ipis;

void tlb_batch_add(struct tlb_batch *batch, uint64_t start, uint64_t end)
{
    if (batch->full || start >= end)
        return;
    if (batch->count == TLB_BATCH_RANGES) {
        batch->full = true;
        return;
    }
    batch->ranges[batch->count].start = start;
    batch->ranges[batch->count].end = end;
    batch->count++;
}

/* Runs on each target CPU, interrupts off: flush what the batch names. */
static void flush_local(void *arg)
{
    const struct tlb_batch *batch = arg;
    if (batch->full) {
        arch_flush_tlb_all();
        return;
    }
    for (int i = 0; i < batch->count; i++) {
        uint64_t pages = (batch->ranges[i].end - batch->ranges[i].start) / pt_level_size(1);
        if (pages > TLB_INVLPG_MAX) {
            arch_flush_tlb_all();
            return;
        }
        arch_flush_tlb_range(batch->ranges[i].start, batch->ranges[i].end);
    }
}

int tlb_batch_flush(struct tlb_batch *batch, cpumask_t cpus)
{
    if (tlb_batch_empty(batch))
        return 0;
    cpus &= __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
    int remote = cpumask_weight(cpus & ~(1ull << this_cpu_id()));
    smp_call_function(cpus, flush_local, batch, true);
    __atomic_fetch_add(&tlb_shootdown_ipis, remote, __ATOMIC_RELAXED);
    batch->count = 0;
    batch->full = false;
    return remote;
}
