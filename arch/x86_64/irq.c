/*
 * Interrupt handlers of the APIC world: the per-CPU timer tick, the IPIs,
 * the serial port, the PS/2 keyboard, spurious interrupts. Each handler sends its own EOI
 * (before anything that may switch threads).
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/trap.h"
#include "drivers/i8042.h"
#include "drivers/serial.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/smp_call.h"

#define ISA_IRQ_COM1 4

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

static void serial_interrupt(struct trap_frame *tf)
{
    (void)tf;
    serial_receive();
    lapic_eoi();
}

static void keyboard_interrupt(struct trap_frame *tf)
{
    (void)tf;
    i8042_interrupt();
    lapic_eoi();
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
    trap_register(VECTOR_SERIAL, serial_interrupt);
    trap_register(VECTOR_KEYBOARD, keyboard_interrupt);
    trap_register(VECTOR_SPURIOUS, spurious_interrupt);
    if (serial_present()) {
        ioapic_route_isa_irq(ISA_IRQ_COM1, VECTOR_SERIAL);
        serial_enable_receive_interrupt();
    } else {
        printk("serial: no UART at COM1; the screen is the only console\n");
    }
    i8042_init(VECTOR_KEYBOARD);
}
