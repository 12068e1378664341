/*
 * printf-style formatting into a buffer, without any hardware: it is pure
 * logic, unit-tested on the host (tests/host/test_format.c).
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags '-' '0', a width (or *),
 * a precision for %s, and the length modifiers l, ll, z.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf(3): writes at most size bytes including the NUL and
 * returns the length the full output would have had. */
int format_v(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
