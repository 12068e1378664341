/* Starting the other CPUs (arch/x86_64/smp.c); docs/smp.md. */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

/* Boot CPU: start every CPU the MADT lists (INIT-SIPI-SIPI). A CPU that
 * does not answer is reported and skipped. Returns the number online. */
int smp_boot_aps(void);

#endif
