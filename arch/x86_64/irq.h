/* Device and IPI interrupt handlers (arch/x86_64/irq.c). */
#ifndef ARCH_X86_64_IRQ_H
#define ARCH_X86_64_IRQ_H

/* Boot CPU, after lapic_init_boot(): registers the timer, IPI, serial,
 * keyboard and spurious handlers, routes COM1 (if there is a UART) through
 * the I/O APIC and probes the PS/2 keyboard (drivers/i8042.h). */
void irq_init(void);

#endif
