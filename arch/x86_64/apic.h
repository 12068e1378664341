/*
 * Local APIC (one per CPU: timer, IPIs, EOI) and I/O APIC (device IRQs).
 * x2APIC mode (MSRs) when the CPU has it, xAPIC (MMIO) otherwise; callers
 * never see the difference.
 *
 * Interrupt vectors used by prune (0..31 are CPU exceptions):
 */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define VECTOR_KEYBOARD    0x21   /* PS/2 keyboard (IRQ 1) through the I/O APIC */
#define VECTOR_SERIAL      0x24   /* COM1 through the I/O APIC */
#define VECTOR_TIMER       0x30   /* LAPIC timer: the scheduler tick */
#define VECTOR_IPI_CALL    0xf0   /* smp_call_function */
#define VECTOR_IPI_RESCHED 0xf1   /* wake the scheduler on another CPU */
#define VECTOR_SPURIOUS    0xff

#define TIMER_HZ 100

/* Boot CPU, after tsc_calibrate(): mask the legacy PIC, enable this CPU's
 * LAPIC, start the tick: in TSC-deadline mode where the CPU has it, else
 * periodic, its count measured against the TSC (arch/x86_64/tsc.h). */
void lapic_init_boot(void);
/* An AP: enable its LAPIC and start its tick the way the boot CPU did. */
void lapic_init_ap(void);
/* The tick's interrupt handler, before its EOI: arms the next deadline in
 * TSC-deadline mode (a periodic timer needs nothing). */
void lapic_timer_rearm(void);
bool lapic_x2apic_mode(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* IPIs. 'apic_id' is the destination's LAPIC id. send waits until the local
 * APIC has accepted the message (not until the destination handled it). */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_nmi_all_but_self(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);

/* Routes a legacy ISA IRQ (after interrupt source overrides) to 'vector' on
 * the boot CPU, through the I/O APIC that serves its GSI. */
void ioapic_route_isa_irq(int irq, uint8_t vector);

#endif
