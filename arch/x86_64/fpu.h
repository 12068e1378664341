/*
 * The x87/SSE register state of user threads. The kernel itself never uses
 * these registers (it is built with -mno-sse -mgeneral-regs-only), so the
 * state of a user thread stays in the CPU while it is in the kernel and is
 * saved and restored only when the scheduler switches between user threads
 * (eagerly, with fxsave/fxrstor: 512 bytes, no AVX state; prune does not
 * set CR4.OSXSAVE, so programs see no AVX and do not use it).
 * A signal frame carries the same 512-byte fxsave image, in the layout of
 * Linux's struct _fpstate (arch/x86_64/sigframe.c).
 */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#include <stdbool.h>
#include <stdint.h>

#define FPU_STATE_SIZE 512 /* the fxsave area, 16-byte aligned */

struct fpu_state {
    uint8_t bytes[FPU_STATE_SIZE];
} __attribute__((aligned(16)));

/* Each CPU, once: enables x87 and SSE for user programs (CR0.MP, NE, no EM
 * or TS; CR4.OSFXSR, OSXMMEXCPT). */
void fpu_init_cpu(void);

/* The state a new program starts with (FCW 0x37f, MXCSR 0x1f80, zeros). */
void fpu_state_init(struct fpu_state *st);

/* The calling thread's live registers into st, the bytes fxsave leaves
 * alone (464..511, "available to software") zeroed. */
void fpu_save_live(struct fpu_state *st);

/* True if a state from user memory can be loaded: no MXCSR bit this CPU
 * does not have is set (fxrstor would raise #GP in the kernel; Linux
 * refuses such a signal frame too). */
bool fpu_user_state_ok(const struct fpu_state *st);

/* Loads the initial state into the registers (a signal handler starts
 * with it). */
void fpu_load_initial(void);

static inline void fpu_save(struct fpu_state *st)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*st));
}

static inline void fpu_restore(const struct fpu_state *st)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*st));
}

#endif
