/* The COM1 serial port: the console that always works, and its input. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stdbool.h>

#include "kernel/wait.h"

/* Program COM1 for 38400 baud 8N1 and register it as a console. */
void serial_init(void);
void serial_putc(char c);

/*
 * Input: the COM1 interrupt calls serial_receive(), which moves the UART's
 * bytes into a ring buffer; serial_read() takes them out. The ring's lock
 * is taken with interrupts off.
 */

/* Boot CPU, after irq_init(): registers the COM1 interrupt handler, routes
 * the IRQ through the I/O APIC and turns the UART's receive interrupt on. */
void serial_enable_receive_interrupt(void);
void serial_receive(void);
/* Returns true and stores the oldest received byte, false if none. */
bool serial_read(char *c);

/* True if a received byte waits in the ring. */
bool serial_input_pending(void);

/* Woken (wake_up_all) by serial_receive() when bytes arrive; readers
 * wait_event() on it for serial_input_pending(). */
extern struct wait_queue serial_input_wait;

#endif
