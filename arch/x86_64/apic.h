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

#define VECTOR_SERIAL      0x24   /* COM1 through the I/O APIC */
#define VECTOR_TIMER       0x30   /* LAPIC timer: the scheduler tick */
#define VECTOR_IPI_CALL    0xf0   /* smp_call_function */
#define VECTOR_IPI_RESCHED 0xf1   /* wake the scheduler on another CPU */
#define VECTOR_SPURIOUS    0xff

#define TIMER_HZ 100

/* Boot CPU: mask the legacy PIC, enable this CPU's LAPIC, calibrate the timer
 * and TSC against the PIT, start the periodic tick. */
void lapic_init_boot(void);
/* An AP: enable its LAPIC and start its tick with the boot CPU's calibration. */
void lapic_init_ap(void);
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

/* TSC ticks per microsecond, measured against the PIT at boot. */
extern uint64_t tsc_per_us;
/* Busy-waits 'us' microseconds using the TSC (after lapic_init_boot). */
void udelay(uint64_t us);

/* Routes a legacy ISA IRQ (after interrupt source overrides) to 'vector' on
 * the boot CPU, through the I/O APIC that serves its GSI. */
void ioapic_route_isa_irq(int irq, uint8_t vector);

#endif
