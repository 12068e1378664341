/*
 * Ending the machine. Under QEMU, prune leaves through the isa-debug-exit
 * device (port 0xf4): QEMU exits with status (code << 1) | 1, and
 * tools/qemu-run turns that back into 'code'. On a real PC the port write
 * does nothing and the CPU halts.
 */
#ifndef DRIVERS_POWEROFF_H
#define DRIVERS_POWEROFF_H

#include <stdint.h>

/* Codes 0..255 are PID 1's exit status (or the test verdict: 0 = pass). */
#define EXIT_TESTS_FAILED 1
#define EXIT_PANIC 0x7e

__attribute__((noreturn)) void machine_exit(uint8_t code);

#endif
