/*
 * Fatal errors. panic() prints the message, the registers of the caller and
 * a symbolized backtrace, stops the other CPUs and the machine (under QEMU:
 * exit status EXIT_PANIC through isa-debug-exit). It never returns.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define ASSERT(cond)                                                              \
    do {                                                                          \
        if (!(cond))                                                              \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);    \
    } while (0)

#endif
