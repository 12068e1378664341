/*
 * smp_call_function(); see kernel/smp_call.h.
 *
 * Each CPU has a queue of pending calls. A call is one struct call_data
 * (fn, arg, how many CPUs still have to run it) and one queue node per
 * target CPU. The initiator queues a node on every target and sends each an
 * IPI; the handler runs every node of its queue and counts down. With
 * 'wait' everything lives on the initiator's stack, which is safe because
 * the initiator does not return before the count reaches zero; without it
 * the block is kmalloc'ed and the last CPU to finish frees it.
 */
#include <stddef.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "kernel/arch_hooks.h"
#include "kernel/panic.h"
#include "kernel/preempt.h"
#include "kernel/smp_call.h"
#include "kernel/spinlock.h"
#include "mm/kmalloc.h"
#include "mm/pt_trace.h"

struct call_data {
    smp_call_fn fn;
    void *arg;
    int remaining; /* atomic: targets that have not finished fn */
    bool wait;
};

struct call_node {
    struct call_data *data;
    struct call_node *next;
};

struct call_queue {
    struct spinlock lock;
    struct call_node *head; /* lock */
};

struct call_block {
    struct call_data data;
    struct call_node nodes[MAX_CPUS];
};

static struct call_queue queues[MAX_CPUS];

/* Runs one call on this CPU and counts it done. Interrupts are off. */
static void run_call(struct call_data *data)
{
    data->fn(data->arg);
    bool wait = data->wait;
    if (__atomic_sub_fetch(&data->remaining, 1, __ATOMIC_ACQ_REL) == 0 && !wait)
        kfree(data); /* the block starts with its call_data */
}

void smp_call_function_interrupt(void)
{
    struct call_queue *q = &queues[this_cpu_id()];
    for (;;) {
        spin_lock(&q->lock);
        struct call_node *node = q->head;
        if (node)
            q->head = node->next;
        spin_unlock(&q->lock);
        if (!node)
            return;
        run_call(node->data);
    }
}

void smp_call_function(cpumask_t mask, smp_call_fn fn, void *arg, bool wait)
{
    preempt_disable(); /* 'self' must stay this CPU */
    mask &= __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
    int self = this_cpu_id();
    cpumask_t others = mask & ~(1ull << self);
    if (wait && others)
        ASSERT(irqs_enabled());
    if (wait)
        assert_no_locks_held("smp_call_function with wait");

    struct call_block stack_block;
    struct call_block *block = &stack_block;
    if (!wait && others) {
        block = kmalloc(sizeof(*block));
        ASSERT(block);
    }
    block->data = (struct call_data){ fn, arg, cpumask_weight(others), wait };

    if (others)
        pt_trace(PT_EV_IPI_SEND, 0, others);
    for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (!(others & (1ull << cpu)))
            continue;
        struct call_queue *q = &queues[cpu];
        struct call_node *node = &block->nodes[cpu];
        node->data = &block->data;
        uint64_t flags = spin_lock_irqsave(&q->lock);
        node->next = q->head;
        q->head = node;
        spin_unlock_irqrestore(&q->lock, flags);
        lapic_send_ipi(cpus[cpu].apic_id, VECTOR_IPI_CALL);
    }

    if (mask & (1ull << self)) {
        uint64_t flags = irq_save();
        fn(arg);
        irq_restore(flags);
    }
    if (wait) {
        while (__atomic_load_n(&block->data.remaining, __ATOMIC_ACQUIRE) != 0)
            cpu_relax();
        if (others)
            pt_trace(PT_EV_IPI_ACK, 0, others);
    }
    preempt_enable();
}
