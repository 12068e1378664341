/* The panic report; see kernel/panic.h. panic() itself is in
 * arch/x86_64/panic_entry.asm and continues here. */
#include "kernel/panic.h"

#include <stdarg.h>
#include <stddef.h>

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "drivers/poweroff.h"
#include "kernel/printk.h"

/* Panics started so far, on any CPU. Raised atomically (lock xadd in
 * panic_entry.asm, __atomic_fetch_add here) and never lowered: the one that
 * raises it from 0 reports. */
int panic_depth;

/* The caller's registers at its call to panic(), written by panic_entry.asm
 * only for the panic that raised panic_depth from 0. */
struct trap_frame panic_caller_regs;

/* Entry points from panic_entry.asm, with panic()'s own arguments. */
__attribute__((noreturn)) void panic_report(const char *fmt, ...);
__attribute__((noreturn)) void panic_nested(const char *fmt, ...);

bool panic_in_progress(void)
{
    return __atomic_load_n(&panic_depth, __ATOMIC_RELAXED) != 0;
}

/* The full report of the first panic; 'regs' is the state to show. */
__attribute__((noreturn)) static void report(const struct trap_frame *regs, const char *details,
                                             const char *fmt, va_list ap)
{
    irq_disable();
    printk_panic_mode();
    printk("\nKERNEL PANIC: ");
    vprintk(fmt, ap);
    printk("\n");
    panic_stop_other_cpus();
    if (details)
        printk("%s", details);
    trap_frame_print(regs);
    backtrace_print(regs);
    machine_exit(EXIT_PANIC);
}

/* A panic while another one is reported: one line, then stop the machine
 * (the first report may be what is broken). Depth 3 and up: no printing. */
__attribute__((noreturn)) static void nested(const char *fmt, va_list ap)
{
    irq_disable();
    if (__atomic_load_n(&panic_depth, __ATOMIC_RELAXED) <= 2) {
        printk_panic_mode();
        printk("\nKERNEL PANIC (nested, while panicking): ");
        vprintk(fmt, ap);
        printk("\n");
    }
    machine_exit(EXIT_PANIC);
}

void panic_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(&panic_caller_regs, NULL, fmt, ap);
}

void panic_nested(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nested(fmt, ap);
}

void panic_regs(const struct trap_frame *regs, const char *details, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (__atomic_fetch_add(&panic_depth, 1, __ATOMIC_SEQ_CST) != 0)
        nested(fmt, ap);
    report(regs, details, fmt, ap);
}
