/*
 * The COM1 serial port: a console and an input device. Optional: most PCs
 * have none, and serial_init() then leaves it alone for good (every call
 * below returns at once), so that nothing waits for a UART that is not there.
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stdbool.h>

/* Programs COM1 for 38400 baud 8N1 and registers it as a console, if a
 * UART answers there (a loopback test). The first thing kmain does. */
void serial_init(void);

/* True if serial_init() found a UART. */
bool serial_present(void);

void serial_putc(char c);

/*
 * Input: the COM1 interrupt calls serial_receive(), which hands the UART's
 * bytes to tty_input() (drivers/tty.h).
 */

/* Boot CPU, after irq_init(): registers the COM1 interrupt handler, routes
 * the IRQ through the I/O APIC and turns the UART's receive interrupt on
 * (nothing without a UART). */
void serial_enable_receive_interrupt(void);
void serial_receive(void);

#endif
