/*
 * The console's input: the one way in for every input device. The serial
 * port's interrupt and the PS/2 keyboard's (drivers/i8042.c) hand each byte
 * to tty_input(), keys already turned into the bytes a terminal sends
 * (ESC [ A for the up arrow, 0x03 for Ctrl-C). fs/console_file.c takes them
 * out through its line discipline (drivers/tty_line.h).
 *
 * The bytes wait in one ring of TTY_INPUT_RING bytes; when it is full, new
 * bytes are dropped. Its lock is taken with interrupts off.
 */
#ifndef DRIVERS_TTY_H
#define DRIVERS_TTY_H

#include <stdbool.h>

#include "kernel/wait.h"

#define TTY_INPUT_RING 256

/* Queues one input byte and wakes the readers. Any context, any lock
 * except the ring's. */
void tty_input(char c);

/* Returns true and stores the oldest queued byte, false if none. */
bool tty_input_read(char *c);

/* True if a queued byte waits. */
bool tty_input_pending(void);

/* Woken (wake_up_all) by tty_input(); readers wait_event() on it for
 * tty_input_pending(). */
extern struct wait_queue tty_input_wait;

#endif
