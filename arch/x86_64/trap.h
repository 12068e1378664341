/* CPU tables and exceptions: GDT, TSS, IDT (arch/x86_64/trap.c). */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

/* Load the GDT (with TSS and IST stacks) and the IDT on the boot CPU. */
void trap_init(void);

#endif
