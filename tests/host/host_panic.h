/*
 * panic() for host tests of kernel code that may call it: print the message
 * and abort(), so ASan/UBSan show where. Include it once per test program.
 */
#ifndef TESTS_HOST_HOST_PANIC_H
#define TESTS_HOST_HOST_PANIC_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    abort();
}

#endif
