/*
 * The GDT and the TSS: one of each per CPU (gdt.c).
 *
 * GDT layout (the same on every CPU):
 *   index  selector  descriptor
 *     0    0x00      null
 *     1    0x08      kernel code, 64-bit, DPL 0     KERNEL_CS
 *     2    0x10      kernel data, DPL 0             KERNEL_DS
 *     3    0x1b      user data, DPL 3               USER_DS  (0x18 | RPL 3)
 *     4    0x23      user code, 64-bit, DPL 3       USER_CS  (0x20 | RPL 3)
 *    5-6   0x28      64-bit TSS (a 16-byte descriptor) TSS_SEL
 *
 * The order is what syscall/sysret require (MSR STAR, see STAR_VALUE):
 * syscall loads CS = STAR[47:32] and SS = STAR[47:32] + 8 (kernel code, then
 * kernel data); 64-bit sysret loads SS = STAR[63:48] + 8 and CS =
 * STAR[63:48] + 16, both with RPL 3, so user data must come right before user
 * code. There is no 32-bit user code segment: prune runs 64-bit programs only.
 *
 * The TSS holds no I/O bitmap and no task state: only rsp0, the stack the CPU
 * switches to on an interrupt from user mode, and the IST stacks, which the
 * CPU always switches to for the vectors whose IDT gate names one.
 */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#include <stdint.h>

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x1b
#define USER_CS 0x23
#define TSS_SEL 0x28

/* For MSR_STAR: the syscall base (kernel CS) and the sysret base
 * (user SS - 8 = user CS - 16 = 0x13). */
#define STAR_VALUE (((uint64_t)(USER_DS - 8) << 48) | ((uint64_t)KERNEL_CS << 32))

/* Interrupt stack table slots (1..7; 0 in a gate means "no IST"). Each CPU
 * has its own 16 KiB stack per slot, so an NMI that arrives during a #DF
 * handler does not overwrite it. */
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3
#define IST_COUNT 3
#define IST_STACK_SIZE (16 * 1024)

/*
 * Builds CPU 'cpu's GDT and TSS (with its IST stacks) and loads them on the
 * calling CPU: lgdt, reloads CS/DS/ES/SS, ltr. FS and GS are left alone (GS
 * holds the per-CPU base). Call once per CPU, on that CPU, before idt_load().
 */
void gdt_init_cpu(int cpu);

/* Sets the stack the CPU switches to when an interrupt arrives in user mode,
 * in CPU 'cpu's TSS. The caller runs on 'cpu' with preemption off. */
void tss_set_rsp0(int cpu, uint64_t rsp0);

/* The IST slot (IST_DF, ...) whose stack on some CPU contains 'addr', or 0. */
int ist_slot_of(uint64_t addr);

#endif
