/*
 * Traps: CPU exceptions (vectors 0..31) and interrupts (32..255).
 *
 * Every vector enters through a stub in arch/x86_64/isr.asm that builds a
 * struct trap_frame on the stack and calls trap_dispatch() (trap.c). The
 * CPU tables behind it are in gdt.c (GDT, TSS, IST stacks) and idt.c.
 * See docs/traps.md.
 */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include <stdint.h>

/* CPU exception vectors (Intel SDM vol. 3, table 6-1). */
#define T_DE 0   /* divide error */
#define T_DB 1   /* debug */
#define T_NMI 2  /* non-maskable interrupt */
#define T_BP 3   /* breakpoint (int3) */
#define T_OF 4   /* overflow */
#define T_BR 5   /* bound range exceeded */
#define T_UD 6   /* invalid opcode */
#define T_NM 7   /* device not available */
#define T_DF 8   /* double fault */
#define T_TS 10  /* invalid TSS */
#define T_NP 11  /* segment not present */
#define T_SS 12  /* stack-segment fault */
#define T_GP 13  /* general protection */
#define T_PF 14  /* page fault */
#define T_MF 16  /* x87 floating-point error */
#define T_AC 17  /* alignment check */
#define T_MC 18  /* machine check */
#define T_XM 19  /* SIMD floating-point */
#define T_VE 20  /* virtualization exception */
#define T_CP 21  /* control protection */
#define T_VC 29  /* VMM communication (AMD SEV-ES) */
#define T_SX 30  /* security exception (AMD) */
#define T_EXCEPTIONS 32 /* vectors below this are exceptions */
#define T_VECTORS 256
/* The 'vector' of a frame built by the syscall instruction's entry code. */
#define T_SYSCALL 0x100
/* The error_code of a vector that has one when the CPU raises it, but that
 * came from an interrupt or an "int n" instead (see isr.asm). */
#define TRAP_NO_ERROR_CODE ((uint64_t)-1)
/* The vector of a frame saved by panic(), not by a trap: its rip is the
 * return address of the call to panic(). */
#define T_NONE ((uint64_t)-1)

/* The page-fault error code bits PF_* are in arch/x86_64/mmu.h. */

/*
 * The registers of the interrupted context, as isr.asm leaves them on the
 * stack, lowest address first: isr_common pushes rax first and r15 last;
 * 'vector' and 'error_code' come from the vector's stub (error_code 0 when
 * the CPU pushes none); rip..ss are the CPU's own interrupt frame. A
 * system call's frame (vector T_SYSCALL, syscall_entry.asm) keeps the
 * call's number in error_code, as Linux's orig_ax, until a signal handler
 * or rt_sigreturn sets it to TRAP_NO_ERROR_CODE: "not in a system call",
 * so the result is never turned into a restart twice. panic()
 * saves its caller's registers in the same layout, with vector T_NONE. A handler
 * may change any field: isr.asm restores from here, then iretq.
 */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "isr.asm pushes 22 words");

typedef void (*trap_handler_t)(struct trap_frame *tf);

/* Boot CPU: load this CPU's GDT and TSS, build and load the IDT. Then
 * "selftest=panic" (a kernel page fault) or "selftest=double-fault" (a bad
 * stack) on the command line ends in a panic; other selftest= values are
 * left to their own code. */
void trap_init(void);

/*
 * Makes 'handler' run for interrupt 'vector' (32..255, or T_NMI), with
 * interrupts off, on any CPU; NULL unregisters. The handler acknowledges the
 * interrupt itself (EOI). A vector nobody registered panics.
 */
void trap_register(int vector, trap_handler_t handler);

/* Called by isr.asm for every vector: runs the handler, applies an exception
 * fix-up (extable.h), or panics. */
void trap_dispatch(struct trap_frame *tf);

/* The exception's name, e.g. "page fault", and mnemonic, e.g. "#PF";
 * "interrupt" and "" for vectors >= 32. */
const char *trap_name(uint64_t vector);
const char *trap_mnemonic(uint64_t vector);

#endif
