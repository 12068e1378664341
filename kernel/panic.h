/*
 * Fatal errors. panic() prints the message, the registers of the caller and
 * a symbolized backtrace, stops the other CPUs and the machine (under QEMU:
 * exit status EXIT_PANIC through isa-debug-exit). It never returns.
 *
 * Only the first panic is reported. A panic during the report (a fault while
 * printing, or another CPU panicking before it was stopped) prints one line
 * and ends the machine at once; a third does not even print.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

struct trap_frame;

/* Written in assembly (arch/x86_64/panic_entry.asm) so that it can save the
 * caller's registers before any C code changes them; then panic.c reports. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/*
 * panic() for a trap: 'regs' are the interrupted registers, printed instead
 * of the caller's, and the backtrace starts at regs->rip. 'details' (may be
 * NULL) is printed under the first line, e.g. the decoded page-fault error.
 */
__attribute__((noreturn, format(printf, 3, 4))) void
panic_regs(const struct trap_frame *regs, const char *details, const char *fmt, ...);

/* True once some CPU has started to panic. */
bool panic_in_progress(void);

/*
 * Called by the panicking CPU after the first line: must stop every other CPU
 * (for good) and return. arch/x86_64/smp.c sends an NMI to each CPU:
 * trap_dispatch() halts a CPU that gets an NMI while panic_in_progress().
 */
void panic_stop_other_cpus(void);
/* Called by a CPU that the panic's NMI stopped, just before it halts. */
void panic_note_cpu_stopped(void);

#define ASSERT(cond)                                                              \
    do {                                                                          \
        if (!(cond))                                                              \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);    \
    } while (0)

#endif
