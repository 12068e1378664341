/* Device and IPI interrupt handlers (arch/x86_64/irq.c). */
#ifndef ARCH_X86_64_IRQ_H
#define ARCH_X86_64_IRQ_H

/* Boot CPU, after lapic_init_boot(): registers the timer, IPI and spurious
 * handlers. A device's driver registers its own (trap_register()). */
void irq_init(void);

#endif
