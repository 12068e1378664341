/*
 * Preemption control. The timer tick may switch threads at the end of an
 * interrupt (kernel/sched.h: sched_preempt_from_irq) unless this CPU's
 * preempt_count is above zero. preempt_disable() keeps the calling thread on
 * this CPU until the matching preempt_enable(); it does not mask interrupts.
 *
 * Both are one instruction on the count (arch/x86_64/percpu_arch.h), so an
 * interrupt or a migration can never split the read-modify-write.
 */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"

/* Switches if a switch was asked for while preemption was off (sched.c). */
void preempt_schedule(void);

static inline void preempt_disable(void)
{
    arch_percpu_inc_int(offsetof(struct cpu, preempt_count));
}

/* True if the running thread may sleep and wait for other CPUs: interrupts
 * on and preemption enabled (so no spinlock, pt_lock or rwlock held and no
 * rcu_read_lock section open). */
static inline bool preemptible(void)
{
    return irqs_enabled() && arch_percpu_read_int(offsetof(struct cpu, preempt_count)) == 0;
}

/* Re-enables preemption; switches now if the tick asked for it meanwhile and
 * interrupts are on. */
static inline void preempt_enable(void)
{
    arch_percpu_dec_int(offsetof(struct cpu, preempt_count));
    if (this_cpu()->need_resched && irqs_enabled())
        preempt_schedule();
}

#endif
