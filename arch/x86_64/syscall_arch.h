/*
 * The syscall/sysret mechanism and the user-mode CPU state of a thread:
 * MSRs, entering user mode for the first time, the TLS base.
 */
#ifndef ARCH_X86_64_SYSCALL_ARCH_H
#define ARCH_X86_64_SYSCALL_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/panic.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define EFER_SCE (1ul << 0)

/* rflags bits cleared on syscall entry: TF, IF, DF, IOPL, NT, AC (Linux's). */
#define SYSCALL_RFLAGS_MASK 0x47700ul
#define RFLAGS_TF (1ul << 8)
#define RFLAGS_RF (1ul << 16)
/* The rflags a new user program starts with: IF and the always-one bit 1. */
#define USER_RFLAGS_INITIAL 0x202ul

/* Each CPU, once: enables syscall (EFER.SCE) and points it at the entry
 * code; the user GS base starts at 0. */
void syscall_init_cpu(void);

/* Fills 'tf' for a program starting at 'rip' with stack 'rsp': user
 * segments, initial rflags, every other register zero. */
void user_frame_init(struct trap_frame *tf, uint64_t rip, uint64_t rsp);

/* True if syscall_entry may return through 'tf' with sysret: rip is a
 * user address (user_addr_ok(): Intel's sysret faults in kernel mode, on
 * the user stack, for a non-canonical one), CS/SS are the ones sysret
 * loads, rcx and r11 hold rip and rflags (sysret overwrites them with
 * those), and neither TF nor RF is set (sysret cannot restore RF, as
 * Linux notes). Otherwise the return goes through iretq. Called from
 * syscall_entry.asm with interrupts off. */
bool sysret_frame_ok(const struct trap_frame *tf);

/* Points this CPU's kernel entry stack (TSS rsp0 and the syscall stack) at
 * 'top', the top of the thread about to run. Interrupts off. */
void arch_set_kernel_stack(uint64_t top);

/* Loads a thread's TLS base (FS base): a user address (user_addr_ok(),
 * checked where the user chose it), since wrmsr faults in kernel mode on a
 * non-canonical one. */
static inline void arch_set_fs_base(uint64_t base)
{
    ASSERT(user_addr_ok(base));
    __asm__ volatile("wrmsr" : : "c"(MSR_FS_BASE), "a"((uint32_t)base),
                     "d"((uint32_t)(base >> 32)));
}

/* Returns to user mode through 'tf' (the top of the current kernel stack). */
__attribute__((noreturn)) void trap_exit_to(struct trap_frame *tf);

#endif
