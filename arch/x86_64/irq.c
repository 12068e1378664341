/*
 * Interrupt handlers of the APIC world: the per-CPU timer tick, the IPIs,
 * spurious interrupts. Each handler sends its own EOI (before anything that
 * may switch threads). They reach the kernel through kernel/arch_hooks.h.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch_hooks.h"
#include "kernel/percpu.h"

/* The tick: counts, tells RCU whether it interrupted user mode (a
 * quiescent state), lets the scheduler account the time slice and maybe
 * switch. */
static void timer_interrupt(struct trap_frame *tf)
{
    this_cpu()->ticks++;
    rcu_tick(tf->cs & 3);
    lapic_timer_rearm();
    lapic_eoi();
    sched_tick();
    sched_preempt_from_irq();
}

static void call_function_interrupt(struct trap_frame *tf)
{
    (void)tf;
    smp_call_function_interrupt();
    lapic_eoi();
}

static void resched_interrupt(struct trap_frame *tf)
{
    (void)tf;
    lapic_eoi();
    sched_ipi();
    sched_preempt_from_irq();
}

/* A spurious interrupt needs no EOI (Intel SDM vol. 3, 11.9). */
static void spurious_interrupt(struct trap_frame *tf)
{
    (void)tf;
}

void irq_init(void)
{
    trap_register(VECTOR_TIMER, timer_interrupt);
    trap_register(VECTOR_IPI_CALL, call_function_interrupt);
    trap_register(VECTOR_IPI_RESCHED, resched_interrupt);
    trap_register(VECTOR_SPURIOUS, spurious_interrupt);
}
