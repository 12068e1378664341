/*
 * The i8042 PS/2 controller and the keyboard on its first port. Found by
 * asking ACPI first (the FADT's "8042" boot-architecture flag: a PC whose
 * firmware says it has none is not probed, unless "i8042=force" is on the
 * command line), then the controller's own self-test. The keyboard's IRQ 1
 * goes through the I/O APIC; its handler turns scan codes into terminal
 * bytes (drivers/keyboard.h) and hands them to tty_input() (drivers/tty.h).
 *
 * USB keyboards reach it only through the firmware's "USB legacy"
 * emulation of the 8042, which PCs booted by UEFI without a CSM may not
 * have: see docs/bare-metal.md.
 */
#ifndef DRIVERS_I8042_H
#define DRIVERS_I8042_H

#include <stdbool.h>

/* What i8042_init() found, for the boot summary. */
enum i8042_state {
    I8042_NOT_PROBED,   /* i8042_init() has not run */
    I8042_ACPI_SAYS_NONE,
    I8042_NO_CONTROLLER,
    I8042_NO_KEYBOARD,  /* a controller, but nothing answers on its first port */
    I8042_KEYBOARD,
};

/* Boot CPU, after irq_init() (udelay, the I/O APIC): probes the controller
 * and the keyboard, registers the keyboard interrupt handler, routes IRQ 1
 * to it, and says on the console what it found. */
void i8042_init(void);

/* The keyboard interrupt's work: reads every byte the controller holds. */
void i8042_interrupt(void);

enum i8042_state i8042_state(void);
/* A line for the boot summary: "PS/2 keyboard, scan code set 2 translated
 * to set 1", "none: ..." */
const char *i8042_describe(void);

#endif
