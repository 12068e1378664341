/* panic(); see kernel/panic.h. */
#include "kernel/panic.h"

#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "kernel/poweroff.h"
#include "kernel/printk.h"

void panic(const char *fmt, ...)
{
    irq_disable();
    printk_panic_mode();
    va_list ap;
    va_start(ap, fmt);
    printk("\nKERNEL PANIC: ");
    vprintk(fmt, ap);
    printk("\n");
    va_end(ap);
    machine_exit(EXIT_PANIC);
}
