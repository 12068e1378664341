/* The COM1 serial port: the console that always works, and (later) input. */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>

/* Program COM1 for 38400 baud 8N1 and register it as a console. */
void serial_init(void);
void serial_putc(char c);
/* Returns true and stores a byte if one is waiting. */
bool serial_try_getc(char *c);

#endif
