/*
 * What panic prints about a CPU state: registers and a symbolized backtrace
 * (backtrace.c). The backtrace follows the %rbp chain that
 * -fno-omit-frame-pointer keeps: [rbp] is the caller's rbp, [rbp + 8] the
 * return address into the caller.
 */
#ifndef ARCH_X86_64_BACKTRACE_H
#define ARCH_X86_64_BACKTRACE_H

#include <stdint.h>

#include "arch/x86_64/trap.h"

#define BACKTRACE_MAX_FRAMES 32

/*
 * Fills pcs[0..] with the return addresses found by walking the frame chain
 * from frame pointer 'rbp', at most 'max'. Stops at a NULL, misaligned or
 * non-kernel rbp, at an unreadable frame (read through the fix-up table, so
 * it never faults) and at a zero return address. Returns the count.
 */
int backtrace_walk(uint64_t rbp, uint64_t *pcs, int max);

/* backtrace_walk() from the caller's frame: pcs[0] is a return address in
 * the function that called backtrace_here(), pcs[1] in its caller, ... */
int backtrace_here(uint64_t *pcs, int max);

/* Prints "  #0 0x... func+0x12" lines: first tf->rip, then the chain from
 * tf->rbp, up to BACKTRACE_MAX_FRAMES lines in all. */
void backtrace_print(const struct trap_frame *tf);

/* Prints every register of 'tf' (rip symbolized) and CR0, CR2, CR3, CR4. */
void trap_frame_print(const struct trap_frame *tf);

#endif
