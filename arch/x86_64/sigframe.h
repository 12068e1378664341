/*
 * The signal frame on the user stack: Linux's x86_64 struct rt_sigframe,
 * what a handler finds (rdi = signal, rsi = &info, rdx = &uc) and what
 * rt_sigreturn restores. Drawn in docs/signals.md. From high to low
 * addresses:
 *
 *     the interrupted stack (rsp)
 *     128-byte red zone, skipped
 *     the fxsave image (512 bytes, 64-byte aligned): uc_mcontext.fpstate
 *     struct rt_sigframe: info (siginfo_t), uc (ucontext_t), pretcode
 *     <- the handler's rsp: 16-byte aligned + 8, as after a call; its
 *        return address, pretcode, is sa_restorer (which calls rt_sigreturn)
 *
 * With SA_ONSTACK and an alternate stack not in use, the frame starts at
 * the top of the alternate stack instead.
 */
#ifndef ARCH_X86_64_SIGFRAME_H
#define ARCH_X86_64_SIGFRAME_H

#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "kernel/signal.h"

/* Linux's struct sigcontext (x86_64): the registers, in this order. */
struct sigcontext_64 {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;      /* user address of the fxsave image, or 0 */
    uint64_t reserved1[8];
};
_Static_assert(sizeof(struct sigcontext_64) == 256, "Linux's struct sigcontext");

/* The kernel's struct ucontext (libc's ucontext_t starts the same way). */
struct ucontext_64 {
    uint64_t flags;
    uint64_t link;
    struct user_stack stack;
    struct sigcontext_64 mcontext;
    uint64_t sigmask;
};
_Static_assert(sizeof(struct ucontext_64) == 304, "Linux's struct ucontext");

struct rt_sigframe {
    uint64_t pretcode;
    struct ucontext_64 uc;
    struct siginfo info;
};
_Static_assert(sizeof(struct rt_sigframe) == 440, "Linux's struct rt_sigframe");

/*
 * Builds the frame for handler 'ka' of signal sig on the user stack of the
 * thread whose registers are tf, saving tf, the FPU state and the mask
 * 'saved_blocked' (what rt_sigreturn puts back), and points tf at the
 * handler with a clean FPU. Disarms an SS_AUTODISARM alternate stack it
 * enters. Returns 0, or -EFAULT (no SA_RESTORER, a handler outside user
 * space, an alternate stack overflow, or the stack cannot be written): the
 * caller kills the process with SIGSEGV. Interrupts on, no lock held.
 */
int sigframe_setup(struct trap_frame *tf, int sig, const struct siginfo *info,
                   const struct k_sigaction *ka, uint64_t saved_blocked,
                   struct thread_signals *ts);

/*
 * rt_sigreturn's half (kernel/signal/deliver.c): reads the frame whose
 * return address was just popped (tf->rsp - 8) and checks it whole before
 * anything changes: a rip outside user space, other segments than the
 * user ones, or an FPU image the CPU would refuse are -EFAULT, as is a
 * frame that cannot be read. Then restores tf's registers (rflags: only
 * the bits a user may set), the FPU state, marks tf as no longer in a
 * system call (no restart), and returns 0 with the saved mask in *blocked
 * and the saved alternate stack in *stack.
 */
int sigframe_restore(struct trap_frame *tf, uint64_t *blocked, struct user_stack *stack);

#endif
