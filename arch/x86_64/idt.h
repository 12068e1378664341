/* The IDT (idt.c): 256 interrupt gates into isr.asm, shared by every CPU. */
#ifndef ARCH_X86_64_IDT_H
#define ARCH_X86_64_IDT_H

/* Boot CPU, once: fills every gate. #DF, NMI and #MC run on their IST
 * stacks (gdt.h); #BP may be raised from user mode (int3). */
void idt_init(void);

/* Loads the IDT on the calling CPU: the boot CPU in trap_init(), each AP
 * after its gdt_init_cpu(). */
void idt_load(void);

#endif
